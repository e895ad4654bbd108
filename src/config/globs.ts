/**
 * Configuration globs (namespace lists, suppression patterns) compiled once and reused for
 * every namespace and finding of a scan. Compiling a pattern (brace expansion, regular
 * expression) costs far more than matching it, and `minimatch(name, pattern)` compiles on
 * every call. Compiled forms are kept per list or entry object (a WeakMap), so a loaded
 * configuration compiles each pattern once, and nothing is kept after it is dropped.
 * Configuration objects are not changed after loading.
 */
import { Minimatch, type MinimatchOptions } from 'minimatch';

const compiledLists = new WeakMap<readonly string[], Minimatch[]>();

/** True when `name` matches one of `patterns` (a list from the configuration, or a constant list). */
export function matchesAnyGlob(name: string, patterns: readonly string[]): boolean {
  let compiled = compiledLists.get(patterns);
  if (!compiled) {
    compiled = patterns.map((pattern) => new Minimatch(pattern));
    compiledLists.set(patterns, compiled);
  }
  return compiled.some((glob) => glob.match(name));
}

const compiledFields = new WeakMap<object, Map<string, Minimatch>>();

/** `pattern` (a field of the configuration entry `owner`) compiled once for that entry. */
export function compiledGlob(owner: object, pattern: string, options: MinimatchOptions = {}): Minimatch {
  let byPattern = compiledFields.get(owner);
  if (!byPattern) {
    byPattern = new Map();
    compiledFields.set(owner, byPattern);
  }
  const key = `${options.nocase ? 'i' : ''}:${pattern}`;
  let glob = byPattern.get(key);
  if (!glob) {
    glob = new Minimatch(pattern, options);
    byPattern.set(key, glob);
  }
  return glob;
}
