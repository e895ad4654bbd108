/** Process entry of the GitHub Action (action.yml `runs.main`, bundled by scripts/build-action.mjs). */
import './action-bundled-modules.js';
import { processIo } from './io.js';
import { runGithubAction } from './github-action.js';

process.exitCode = await runGithubAction(process.env, processIo());
