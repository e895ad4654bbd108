/**
 * Offline input: turns files, folders and standard input of Kubernetes manifests into
 * K8sObjects with their source position (file + line, needed for SARIF). Understands
 * multi-document YAML (read as kubectl reads it, src/snapshot/input/go-yaml.ts), JSON
 * (parsed with JSON.parse), `kind: List` (nested Lists too) and `kubectl get -A -o json`
 * exports. Never throws on bad input: every unreadable document becomes an InputProblem
 * with its file and line, and the rest of the input is still read.
 */
import { isUtf8 } from 'node:buffer';
import { relative } from 'node:path';
import { isMap, isSeq, LineCounter, type Node as YamlNode } from 'yaml';
import { normalizeObject } from './build.js';
import { describeFsError, InputTooLargeError, readBounded, walkManifestPaths, type ManifestFs } from './input/files.js';
import { documentValue, DocumentRefused, parseYamlDocuments, yamlEnvironment } from './input/go-yaml.js';
import { MAX_NESTING_DEPTH, scanJson, splitYamlDocuments, yamlDepthExceeded, lineAt } from './input/text-scan.js';
import { KIND_INFO } from './kinds.js';
import type { InputProblem, K8sObject, SourceLocation } from './types.js';

export { describeFsError, NON_MANIFEST_FILES, type ManifestFs } from './input/files.js';
export { MAX_NESTING_DEPTH } from './input/text-scan.js';

/**
 * YAML files bigger than this are refused whole: the YAML parser holds a syntax tree of
 * about 50-200 bytes per input byte, so 32 MiB is already gigabytes.
 */
export const MAX_MANIFEST_FILE_BYTES = 32 * 1024 * 1024;
/**
 * JSON (a `.json` file, or standard input that is JSON) is parsed with JSON.parse, which
 * needs a few bytes of heap per input byte: a `kubectl get -A -o json` export of a large
 * cluster (36 MB, 65,000 objects) reads in about a second. 128 MiB keeps the parsed objects
 * well inside a 2 GB heap and far from V8's 512 MiB string limit.
 */
export const MAX_JSON_FILE_BYTES = 128 * 1024 * 1024;
/**
 * YAML anchors/aliases in side files (mesh config, ARM JSON) beyond this count are treated
 * as a "billion laughs" bomb; manifests use the expansion budget of input/go-yaml.ts.
 */
export const MAX_ALIAS_COUNT = 50;
/** The name standard input (`-`) has in findings and SARIF. */
export const STDIN_NAME = '<stdin>';
/** Lists nested deeper than this inside each other are refused (they are already bounded by MAX_NESTING_DEPTH). */
const MAX_LIST_NESTING = 8;

export interface ManifestLoadResult {
  objects: K8sObject[];
  /** Side files (NON_MANIFEST_FILES) found while walking a folder: read for Kubernetes objects only, not for what the CLI's options read them for. */
  sideFiles: string[];
  problems: InputProblem[];
  /** Files actually parsed (for "nothing could be read" = exit code 2). */
  filesRead: number;
  /** Documents that held something (objects, ignored kinds and problems alike). */
  documentsRead: number;
  /** Objects of kinds the scanner does not evaluate (Gateway API, CRDs, StatefulSets...), by kind. */
  ignoredKinds: Map<string, number>;
}

export interface ManifestReadOptions {
  /**
   * Namespace given to namespaced objects without metadata.namespace, as `kubectl apply -n`
   * would (default `default`). Without it such objects would belong to no namespace at all.
   */
  defaultNamespace?: string;
  /** `json` parses with JSON.parse (falling back to YAML when that fails); default: by file extension. */
  format?: 'json' | 'yaml';
}

export interface ManifestLoadOptions extends ManifestReadOptions {
  /** The bytes of standard input, for the path `-` (the CLI reads them); default: read /dev/stdin. */
  stdin?: Buffer;
  /** File-system calls (tests inject faults). */
  fs?: ManifestFs;
  /** Told before each file and once at the end: files read so far of the files found so far (progress of long reads). */
  onFile?: (filesDone: number, filesFound: number) => void;
}

export const DEFAULT_NAMESPACE = 'default';

function emptyResult(): ManifestLoadResult {
  return { objects: [], sideFiles: [], problems: [], filesRead: 0, documentsRead: 0, ignoredKinds: new Map() };
}

function isListKind(kind: unknown): boolean {
  return typeof kind === 'string' && (kind === 'List' || kind.endsWith('List'));
}

function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text.slice(0, 4096))?.[0];
  return first === '{' || first === '[';
}

/**
 * Parses one file's text. `file` is the name reported in problems and SARIF (a path
 * relative to the working directory when possible).
 */
export function parseManifestText(input: string, file: string, options: ManifestReadOptions = {}): ManifestLoadResult {
  const text = typeof input === 'string' ? input : ''; // untyped callers (tests, tools) may pass nothing
  const result = emptyResult();
  result.filesRead = 1;
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const format = options.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  if (format === 'json' && parseJsonText(text, file, defaultNamespace, result)) return result;
  if (text.length > MAX_MANIFEST_FILE_BYTES) {
    result.problems.push({ type: 'parse', message: `refused ${file}: it is not valid JSON and is too large to read as YAML (over ${MAX_MANIFEST_FILE_BYTES} bytes)`, source: { file, line: 1 } });
    return result;
  }
  const environment = yamlEnvironment();
  for (const chunk of splitYamlDocuments(text)) parseYamlChunk(chunk.text, chunk.firstLine, file, defaultNamespace, result, environment);
  return result;
}

/** JSON.parse of a whole file; false when the text is not JSON (the caller reads it as YAML). */
function parseJsonText(text: string, file: string, defaultNamespace: string, result: ManifestLoadResult): boolean {
  const scan = scanJson(text);
  if (scan.tooDeepAt >= 0) {
    result.documentsRead += 1;
    const line = lineAt(text, scan.tooDeepAt);
    result.problems.push({ type: 'parse', message: `refused ${file}: nested deeper than ${MAX_NESTING_DEPTH} levels at line ${line}`, source: { file, line } });
    return true;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return false;
  }
  if (raw === null) return true;
  result.documentsRead += 1;
  const firstLine = lineAt(text, text.search(/\S/));
  addDocument(result, raw, { file, line: firstLine }, defaultNamespace, (index) => scan.itemLines[index] ?? firstLine);
  return true;
}

function parseYamlChunk(text: string, firstLine: number, file: string, defaultNamespace: string, result: ManifestLoadResult, environment: NodeJS.ProcessEnv): void {
  const tooDeepAt = yamlDepthExceeded(text);
  if (tooDeepAt >= 0) {
    result.documentsRead += 1;
    const line = firstLine + lineAt(text, tooDeepAt) - 1;
    result.problems.push({ type: 'parse', message: `refused document in ${file} at line ${line}: nested deeper than ${MAX_NESTING_DEPTH} levels`, source: { file, line } });
    return;
  }
  const lineCounter = new LineCounter();
  const lineOf = (offset: number | undefined): number => firstLine + (offset === undefined ? 0 : lineCounter.linePos(offset).line - 1);
  for (const document of parseYamlDocuments(text, lineCounter, environment)) {
    const documentLine = lineOf(document.contents?.range[0] ?? document.range[0]);
    if (document.errors.length > 0) {
      const first = document.errors[0]!;
      const line = lineOf(first.pos[0]);
      result.documentsRead += 1;
      const problem: InputProblem = { type: 'parse', message: `malformed YAML in ${file} at line ${line}: ${(first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, source: { file, line } };
      if (!mayNameObjectFields(text)) problem.holdsNoObject = true;
      result.problems.push(problem);
      continue;
    }
    if (document.contents === null) continue; // empty document between `---` separators
    result.documentsRead += 1;
    let raw: unknown;
    try {
      raw = documentValue(document);
    } catch (error) {
      if (!(error instanceof DocumentRefused)) throw error;
      result.problems.push({ type: 'parse', message: `refused document in ${file} at line ${documentLine}: ${error.message}`, source: { file, line: documentLine } });
      continue;
    }
    if (raw === null) continue;
    const itemsNode = isMap(document.contents) ? (document.contents.get('items', true) as YamlNode | undefined) : undefined;
    const itemNodes = itemsNode && isSeq(itemsNode) ? itemsNode.items : [];
    addDocument(result, raw, { file, line: documentLine }, defaultNamespace, (index) => lineOf((itemNodes[index] as YamlNode | undefined)?.range?.[0] ?? document.contents?.range[0]));
  }
}

/**
 * Whether unparseable text could still hold an object kubectl would apply: every object needs
 * apiVersion and kind, which the text then spells out, or writes with escapes (`"\u0061piVersion"`).
 * Text with neither (a tsconfig.json with comments) is reported but does not make a scan incomplete.
 */
function mayNameObjectFields(text: string): boolean {
  return text.includes('apiVersion') || text.includes('kind') || text.includes('\\');
}

function hasObjectFields(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && typeof (raw as Record<string, unknown>).apiVersion === 'string' && typeof (raw as Record<string, unknown>).kind === 'string';
}

/**
 * One parsed document: an object, or a `kind: List` (kubectl's exports) whose items are
 * objects or Lists again. kubectl flattens nested Lists (FlattenListVisitor); so does this.
 */
function addDocument(result: ManifestLoadResult, raw: unknown, source: SourceLocation, defaultNamespace: string, itemLine: (index: number) => number): void {
  const pending: Array<{ value: unknown; source: SourceLocation; nesting: number }> = [];
  const record = raw as Record<string, unknown>;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && isListKind(record.kind) && Array.isArray(record.items)) {
    record.items.forEach((item, index) => pending.push({ value: item, source: { file: source.file, line: itemLine(index) }, nesting: 1 }));
  } else {
    pending.push({ value: raw, source, nesting: 0 });
  }
  // Depth first, in document order: items are pushed in reverse.
  pending.reverse();
  while (pending.length > 0) {
    const { value, source: where, nesting } = pending.pop()!;
    const item = value as Record<string, unknown>;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && isListKind(item.kind) && Array.isArray(item.items)) {
      if (nesting >= MAX_LIST_NESTING) {
        result.problems.push({ type: 'parse', message: `refused a List nested ${nesting} Lists deep in ${where.file} at line ${where.line}`, source: where });
        continue;
      }
      for (let index = item.items.length - 1; index >= 0; index -= 1) pending.push({ value: item.items[index], source: where, nesting: nesting + 1 });
      continue;
    }
    addObject(result, value, where, defaultNamespace);
  }
}

function isNamespaced(object: K8sObject): boolean {
  // Gatekeeper constraints are cluster-scoped; every other kind says so in KIND_INFO.
  return object.snapshotKind !== 'Constraint' && KIND_INFO[object.snapshotKind].namespaced;
}

function addObject(result: ManifestLoadResult, raw: unknown, source: SourceLocation, defaultNamespace: string): void {
  const normalized = normalizeObject(raw, source);
  if ('object' in normalized) {
    const { object } = normalized;
    // Rendered charts and kustomize bases often leave the namespace to `kubectl apply -n`.
    if (!object.metadata.namespace && isNamespaced(object)) object.metadata.namespace = defaultNamespace;
    result.objects.push(object);
  } else if ('problem' in normalized) {
    const { problem } = normalized;
    const where = `${source.file}:${source.line}`;
    const reported: InputProblem = { ...problem, message: problem.message.includes(where) ? problem.message : `${problem.message} (${where})` };
    // No apiVersion and kind: not a Kubernetes object (kubectl refuses it too), e.g. a CI or tool configuration.
    if (!hasObjectFields(raw)) reported.holdsNoObject = true;
    result.problems.push(reported);
  } else {
    const kind = raw !== null && typeof raw === 'object' && typeof (raw as Record<string, unknown>).kind === 'string' ? String((raw as Record<string, unknown>).kind) : '(no kind)';
    result.ignoredKinds.set(kind, (result.ignoredKinds.get(kind) ?? 0) + 1);
  }
}

/**
 * Lists manifest files under a path (a file is returned as is), sorted for stable output.
 * Side files (NON_MANIFEST_FILES) met on the way are among them, and also added to `sideFiles` when given.
 * Problems met on the way (unreadable folders, links) are left out; loadManifests reports them.
 */
export function listManifestFiles(path: string, sideFiles?: string[]): string[] {
  const walked = walkManifestPaths(path);
  for (const file of walked.sideFiles) sideFiles?.push(file);
  return walked.files;
}

/**
 * Text that is not UTF-8 YAML/JSON: a NUL byte in the first 8 KiB (binary files, and UTF-16,
 * where every ASCII character carries one) or a UTF-16 byte-order mark. Parsing such bytes as
 * YAML yields confusing errors ("Tags and anchors must be separated...") or nothing at all.
 */
export function notTextReason(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return 'is UTF-16 text; save it as UTF-8';
  if (bytes.subarray(0, 8192).includes(0)) return 'is a binary file, not YAML or JSON text';
  return undefined;
}

/** Byte offset of the first byte that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0 || index + length > bytes.length || !isUtf8(bytes.subarray(index, index + length))) return index;
    index += length;
  }
  return -1;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = bytes.indexOf(10); index !== -1 && index < offset; index = bytes.indexOf(10, index + 1)) line += 1;
  return line;
}

function displayName(file: string, baseDir: string): string {
  if (file === '-') return STDIN_NAME;
  const rel = relative(baseDir, file);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : file;
}

function readSource(file: string, name: string, options: ManifestLoadOptions, problems: InputProblem[]): Buffer | undefined {
  const limit = Math.max(MAX_JSON_FILE_BYTES, MAX_MANIFEST_FILE_BYTES);
  try {
    if (file === '-') {
      const bytes = options.stdin ?? readBounded('/dev/stdin', limit, options.fs);
      if (bytes.length > limit) throw new InputTooLargeError(`${bytes.length} bytes exceeds the ${limit}-byte limit`);
      return bytes;
    }
    const isJson = file.toLowerCase().endsWith('.json');
    return readBounded(file, isJson ? MAX_JSON_FILE_BYTES : limit, options.fs);
  } catch (error) {
    if (error instanceof InputTooLargeError) problems.push({ type: 'parse', message: `refused ${name}: ${error.message} per manifest file`, source: { file: name, line: 1 } });
    else problems.push({ type: 'parse', message: `cannot read ${name}: ${describeFsError(error)}`, source: { file: name, line: 1 } });
    return undefined;
  }
}

/** Appends without spreading (a spread of 150,000 elements overflows the call stack). */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/**
 * Reads every manifest under `paths` (`-` is standard input). Missing paths, oversized and
 * unreadable files are problems, not exceptions. `baseDir` makes reported file names
 * relative (SARIF wants repository-relative URIs).
 */
export function loadManifests(paths: string[], baseDir: string = process.cwd(), options: ManifestLoadOptions = {}): ManifestLoadResult {
  const total = emptyResult();
  let stdinRead = false;
  let filesDone = 0;
  let filesFound = 0;
  let hiddenFiles: ReadonlySet<string> = new Set();
  let sideFiles: ReadonlySet<string> = new Set();
  for (const path of paths) {
    let files: string[];
    if (path === '-') {
      if (stdinRead) continue; // standard input can be read once
      stdinRead = true;
      files = ['-'];
    } else {
      const walked = walkManifestPaths(path, options.fs);
      appendAll(total.sideFiles, walked.sideFiles);
      for (const problem of walked.problems) {
        const name = displayName(problem.path, baseDir);
        total.problems.push({ type: 'parse', message: problem.message.split(problem.path).join(name), source: { file: name, line: 1 } });
      }
      files = walked.files;
      hiddenFiles = walked.hiddenFiles;
      sideFiles = new Set(walked.sideFiles);
    }
    filesFound += files.length;
    for (const file of files) {
      options.onFile?.(filesDone, filesFound);
      filesDone += 1;
      const name = displayName(file, baseDir);
      const bytes = readSource(file, name, options, total.problems);
      if (!bytes) continue;
      const reason = notTextReason(bytes);
      if (reason) {
        total.problems.push({ type: 'parse', message: `skipped ${name}: it ${reason}`, source: { file: name, line: 1 } });
        continue;
      }
      const text = bytes.toString('utf8');
      const format = file === '-' ? (looksLikeJson(text) ? 'json' : 'yaml') : undefined;
      if (format !== 'json' && !name.toLowerCase().endsWith('.json') && bytes.length > MAX_MANIFEST_FILE_BYTES) {
        total.problems.push({ type: 'parse', message: `refused ${name}: ${bytes.length} bytes exceeds the ${MAX_MANIFEST_FILE_BYTES}-byte limit per YAML manifest file`, source: { file: name, line: 1 } });
        continue;
      }
      const invalidAt = firstInvalidUtf8(bytes);
      if (invalidAt >= 0) {
        // Decoding would replace the bad bytes with U+FFFD: the file cannot be read as written (go-yaml refuses it too).
        const line = lineOfByte(bytes, invalidAt);
        total.problems.push({ type: 'parse', message: `refused ${name}: invalid UTF-8 at byte ${invalidAt} (line ${line})`, source: { file: name, line } });
        total.filesRead += 1;
        total.documentsRead += 1;
        continue;
      }
      const parsed = parseManifestText(text, name, { ...options, format });
      appendAll(total.objects, parsed.objects);
      // Under a hidden name or in a side file, what holds no object is tool configuration (workflows, ARM JSON), not a finding.
      appendAll(total.problems, hiddenFiles.has(file) || sideFiles.has(file) ? parsed.problems.filter((problem) => !problem.holdsNoObject) : parsed.problems);
      for (const [kind, count] of parsed.ignoredKinds) total.ignoredKinds.set(kind, (total.ignoredKinds.get(kind) ?? 0) + count);
      total.filesRead += 1;
      total.documentsRead += parsed.documentsRead;
    }
  }
  options.onFile?.(filesDone, filesFound);
  return total;
}
