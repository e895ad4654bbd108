/**
 * Data flows one way (docs/architecture.md): a stage may import the stages before it, never
 * one after it. Read from the import statements of every file under src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Bottom first. `core` is the files directly under src/ (shared vocabulary, records, version). */
const LAYERS = ['core', 'config', 'inventory', 'access', 'snapshot', 'mesh', 'rules', 'report', 'fleet', 'cli'] as const;

function layerOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? 'core' : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g), ...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

describe('layering', () => {
  const files = sourceFiles(SRC);

  it('knows every folder of src/', () => {
    const folders = new Set(files.map(layerOf));
    for (const folder of folders) expect(LAYERS).toContain(folder);
  });

  it('has no import from a later stage', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = LAYERS.indexOf(layerOf(file) as (typeof LAYERS)[number]);
      for (const target of relativeImports(file)) {
        const to = LAYERS.indexOf(layerOf(target) as (typeof LAYERS)[number]);
        if (to > from) violations.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reads the relative imports of a file, so an empty violation list is not vacuous', () => {
    const from = LAYERS.indexOf('mesh');
    const to = LAYERS.indexOf('rules');
    expect(to > from).toBe(true);
    expect(relativeImports(join(SRC, 'mesh', 'aks.ts')).length).toBeGreaterThan(0);
  });
});
