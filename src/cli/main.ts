#!/usr/bin/env node
/** Process entry of the CLI (`npm run scan`, `npm run cli`, bin/istio-isolation-scanner.js). */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
