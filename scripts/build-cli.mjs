// Bundles the CLI's own modules (src/cli/main.ts and the ~140 modules of src/ it reaches) into
// a few ES modules under dist/cli/, which the installed package's bin runs. Loading a few chunks
// instead of each file of dist/src/ takes about 15 % off a tiny scan's CPU time on an idle
// machine and about 30 % at load 1-2 (docs/performance.md "Start-up"). Dependencies stay
// external: they are resolved from node_modules as npm installed them, so an `npm update` or
// audit fix of a dependency reaches the CLI and nothing third-party is shipped twice. Code
// splitting keeps what the CLI loads on first use (commands, output formats, the fleet scan) in
// chunks of its own.
//
//   node scripts/build-cli.mjs [OUTDIR]      (npm run build:cli; npm pack runs it)
//
// Not part of `npm run build`: the Functions app's remote build runs that (tsc only) and neither
// needs the CLI nor uploads scripts/ (.funcignore).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = process.argv[2] ?? join(root, 'dist/cli');

// Chunk names carry content hashes: chunks of an earlier build would otherwise stay beside the new ones.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  target: 'node22',
  format: 'esm',
  logLevel: 'warning',
});
