#!/usr/bin/env node
// Runs the compiled CLI (dist/, after `npm run build`) or, in a source checkout, the
// TypeScript entry through tsx. Node 22+ (see README "Runtime").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
