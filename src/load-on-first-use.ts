import { createRequire } from 'node:module';

/**
 * Heavy CommonJS dependencies that most scans never need (@bufbuild/cel, tldts) are loaded on
 * first use, synchronously through require(), so start-up does not pay for them
 * (docs/performance.md "Start-up"). A bundle that has no node_modules at run time (the GitHub
 * Action's dist/action/index.js) cannot resolve them there: it embeds them and registers them
 * here before anything runs (src/cli/action-bundled-modules.ts).
 */
const embedded = new Map<string, unknown>();
const requireFromHere = createRequire(import.meta.url);

export function registerEmbeddedModule(specifier: string, module: unknown): void {
  embedded.set(specifier, module);
}

export function loadOnFirstUse<T>(specifier: string): T {
  return (embedded.get(specifier) ?? requireFromHere(specifier)) as T;
}
