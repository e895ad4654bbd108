/**
 * The modules the scanner loads on first use (src/load-on-first-use.ts), imported statically so
 * that esbuild embeds them in the GitHub Action's bundle, which runs without node_modules.
 * Imported first by action-main.ts; the CLI and the Functions keep loading them lazily.
 */
import * as cel from '@bufbuild/cel';
import * as celExt from '@bufbuild/cel/ext';
import * as tldts from 'tldts';
import { registerEmbeddedModule } from '../load-on-first-use.js';

registerEmbeddedModule('@bufbuild/cel', cel);
registerEmbeddedModule('@bufbuild/cel/ext', celExt);
registerEmbeddedModule('tldts', tldts);
