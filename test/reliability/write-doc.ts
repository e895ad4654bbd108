/**
 * `npm run reliability:doc`: rewrites the generated scenario table in docs/reliability.md from
 * test/reliability/scenarios.ts (catalogue.test.ts fails when they differ).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withScenarioTable } from './scenarios.js';

const path = new URL('../../docs/reliability.md', import.meta.url);
writeFileSync(path, withScenarioTable(readFileSync(path, 'utf8')));
process.stdout.write(`updated ${path.pathname}\n`);
