/**
 * Where a scan's reports go: `--format` and the repeatable `--output`.
 *
 *   --output FORMAT=FILE   that format into FILE (`-` is standard output)
 *   --output FILE          --format's format into FILE (without --format: guessed from the
 *                          extension, .json .sarif .md .xml .txt, else table)
 *   --format FORMAT        standard output's format when no --output has taken it
 *
 * Standard output carries a report when there is no --output at all, when --format is given
 * and no plain `--output FILE` used it, or when an output names `-`. So
 * `--output json=r.json --output sarif=r.sarif` prints nothing but a note on stderr, and
 * machine-readable files never mix with anything else.
 */
import { resolve } from 'node:path';
import { formatOfFileName, reportFormat, reportFormatNames } from '../report/formats.js';
import { UsageError } from './exit-codes.js';

export interface OutputTarget {
  format: string;
  /** As the user wrote it (for messages), or '-' for standard output. */
  path: string;
  /** Absolute path; undefined for standard output. */
  absolutePath?: string;
}

export const STDOUT = '-';

function knownFormat(name: string, where: string): string {
  if (!reportFormat(name)) throw new UsageError(`${where}: unknown format "${name}" (formats: ${reportFormatNames().join(', ')})`);
  return name;
}

/** Parses `--format` and every `--output` into targets; throws UsageError on a bad combination. */
export function parseOutputTargets(outputs: readonly string[], format: string | undefined, cwd: string): OutputTarget[] {
  if (format !== undefined) knownFormat(format, '--format');
  const targets: OutputTarget[] = [];
  let formatConsumed = false;
  for (const value of outputs) {
    if (value === '') throw new UsageError('--output needs a file name or FORMAT=FILE');
    const spec = /^([a-z][a-z0-9-]*)=(.*)$/.exec(value);
    let target: OutputTarget;
    if (spec) {
      const name = knownFormat(spec[1]!, `--output ${value}`);
      if (spec[2] === '') throw new UsageError(`--output ${value}: give a file after "=" (or - for standard output)`);
      target = { format: name, path: spec[2]! };
    } else {
      formatConsumed = true;
      target = { format: format ?? formatOfFileName(value) ?? 'table', path: value };
    }
    if (target.path !== STDOUT) target.absolutePath = resolve(cwd, target.path);
    targets.push(target);
  }
  const toStdout = targets.filter((target) => target.path === STDOUT);
  if (toStdout.length === 0 && (outputs.length === 0 || (format !== undefined && !formatConsumed))) targets.unshift({ format: format ?? 'table', path: STDOUT });
  if (targets.filter((target) => target.path === STDOUT).length > 1) throw new UsageError('only one report can go to standard output (--output FORMAT=- or --format)');
  const seen = new Map<string, OutputTarget>();
  for (const target of targets) {
    if (!target.absolutePath) continue;
    const earlier = seen.get(target.absolutePath);
    if (earlier) throw new UsageError(`--output ${earlier.format}=${earlier.path} and ${target.format}=${target.path} name the same file`);
    seen.set(target.absolutePath, target);
  }
  return targets;
}

/** commander option parser for a repeatable option: every occurrence is kept in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
