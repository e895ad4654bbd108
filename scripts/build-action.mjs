// Bundles the GitHub Action's entry (src/cli/action-main.ts) and everything it imports into
// one ES module, dist/action/index.js, which action.yml runs on the runner's Node 24 without
// `npm install`: GitHub checks out an action's repository as it is and runs its `main` file.
// Release tags carry this file (see docs/ci.md "Releasing the action").
//
//   node scripts/build-action.mjs [OUTFILE]      (npm run build:action)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = process.argv[2] ?? join(root, 'dist/action/index.js');

await build({
  entryPoints: [join(root, 'src/cli/action-main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  // Some dependencies are CommonJS and call require(); an ES module bundle needs it defined.
  banner: { js: "import { createRequire as __iisCreateRequire } from 'node:module'; const require = __iisCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
