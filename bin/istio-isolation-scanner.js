#!/usr/bin/env node
// Runs the CLI on Node 22+ (see README "Runtime"). In a source checkout (src/ present) it
// runs the TypeScript entry through tsx, so a stale dist/ from an earlier build is never
// used; an installed package ships only the compiled dist/ and runs the CLI's bundle there
// (dist/cli/, scripts/build-cli.mjs), without tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(source))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
