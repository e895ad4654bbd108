/**
 * Offline input: turns files and folders of Kubernetes manifests into K8sObjects with
 * their source position (file + line, needed for SARIF). Understands multi-document
 * YAML, JSON (a JSON file is one YAML document), `kind: List` and `kubectl get -A -o json`
 * exports. Never throws on bad input: every unreadable document becomes an InputProblem
 * with its file and line, and the rest of the input is still read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { normalizeObject } from './build.js';
import { KIND_INFO } from './kinds.js';
import type { InputProblem, K8sObject, SourceLocation } from './types.js';

/** Files bigger than this are refused whole (a manifest folder is not a data lake). */
export const MAX_MANIFEST_FILE_BYTES = 32 * 1024 * 1024;
/**
 * YAML anchors/aliases beyond this count are treated as a "billion laughs" bomb. Real
 * manifests use a handful at most; the yaml package's own default is 100.
 */
export const MAX_ALIAS_COUNT = 50;

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/**
 * Files that sit next to manifests in a cluster folder (demo fleet, CI checkouts) but are
 * not Kubernetes objects. Skipped when walking a folder; named explicitly they are read.
 */
export const NON_MANIFEST_FILES = new Set(['aks-cluster.json', 'mesh-revision-profile.json', 'mesh-config.yaml', 'scanner-config.yaml']);

export interface ManifestLoadResult {
  objects: K8sObject[];
  /** Side files (NON_MANIFEST_FILES) found while walking a folder and not read as manifests. */
  skippedSideFiles: string[];
  problems: InputProblem[];
  /** Files actually parsed (for "nothing could be read" = exit code 2). */
  filesRead: number;
  /** Documents that held something (objects, ignored kinds and problems alike). */
  documentsRead: number;
}

function lineOf(lineCounter: LineCounter, offset: number | undefined): number {
  return offset === undefined ? 1 : lineCounter.linePos(offset).line;
}

function isListKind(kind: unknown): boolean {
  return typeof kind === 'string' && (kind === 'List' || kind.endsWith('List'));
}

/**
 * Parses one file's text. `file` is the name reported in problems and SARIF (a path
 * relative to the working directory when possible).
 */
export interface ManifestReadOptions {
  /**
   * Namespace given to namespaced objects without metadata.namespace, as `kubectl apply -n`
   * would (default `default`). Without it such objects would belong to no namespace at all.
   */
  defaultNamespace?: string;
}

export const DEFAULT_NAMESPACE = 'default';

export function parseManifestText(text: string, file: string, options: ManifestReadOptions = {}): ManifestLoadResult {
  const result: ManifestLoadResult = { objects: [], skippedSideFiles: [], problems: [], filesRead: 1, documentsRead: 0 };
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const lineCounter = new LineCounter();
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { lineCounter, prettyErrors: true }) as Document.Parsed[];
  } catch (error) {
    result.problems.push({ type: 'parse', message: `cannot parse ${file}: ${(error as Error).message}`, source: { file, line: 1 } });
    return result;
  }
  if (!Array.isArray(documents)) documents = [documents];
  for (const document of documents) {
    const documentLine = lineOf(lineCounter, document.contents?.range[0] ?? document.range[0]);
    if (document.errors.length > 0) {
      const first = document.errors[0]!;
      const line = first.linePos?.[0]?.line ?? documentLine;
      result.documentsRead += 1;
      result.problems.push({ type: 'parse', message: `malformed YAML in ${file} at line ${line}: ${(first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, source: { file, line } });
      continue;
    }
    if (document.contents === null) continue; // empty document between `---` separators
    result.documentsRead += 1;
    let raw: unknown;
    try {
      // maxAliasCount makes toJS refuse alias expansion bombs instead of exhausting memory.
      raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      result.problems.push({ type: 'parse', message: `refused document in ${file} at line ${documentLine}: ${(error as Error).message}`, source: { file, line: documentLine } });
      continue;
    }
    if (raw === null || raw === undefined) continue;
    const record = raw as Record<string, unknown>;
    if (typeof raw === 'object' && !Array.isArray(raw) && isListKind(record.kind) && Array.isArray(record.items)) {
      // `kind: List` and `kubectl get -o json` exports: each item is an object with its own line.
      const itemsNode = isMap(document.contents) ? (document.contents.get('items', true) as YamlNode | undefined) : undefined;
      const itemNodes = itemsNode && isSeq(itemsNode) ? itemsNode.items : [];
      record.items.forEach((item, index) => {
        const itemNode = itemNodes[index] as YamlNode | undefined;
        const line = lineOf(lineCounter, itemNode?.range?.[0] ?? document.contents?.range[0]);
        addObject(result, item, { file, line }, defaultNamespace);
      });
      continue;
    }
    addObject(result, raw, { file, line: documentLine }, defaultNamespace);
  }
  return result;
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
  }
  else if ('problem' in normalized) {
    const { problem } = normalized;
    const where = `${source.file}:${source.line}`;
    result.problems.push({ ...problem, message: problem.message.includes(where) ? problem.message : `${problem.message} (${where})` });
  }
}

/**
 * Lists manifest files under a path (a file is returned as is), sorted for stable output.
 * Side files (NON_MANIFEST_FILES) met on the way are added to `skippedSideFiles` when given.
 */
export function listManifestFiles(path: string, skippedSideFiles?: string[]): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  const files: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) files.push(...listManifestFiles(full, skippedSideFiles));
    else if (entry.isFile() && NON_MANIFEST_FILES.has(entry.name)) skippedSideFiles?.push(full);
    else if (entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
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

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of it is not a directory',
};

/** A file-system error as a user reads it: "no such file or directory (ENOENT)". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && FS_ERRORS[code]) return `${FS_ERRORS[code]} (${code})`;
  return code ?? (error as Error).message;
}

function displayName(file: string, baseDir: string): string {
  const rel = relative(baseDir, file);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : file;
}

/**
 * Reads every manifest under `paths`. Missing paths, oversized and unreadable files are
 * problems, not exceptions. `baseDir` makes reported file names relative (SARIF wants
 * repository-relative URIs).
 */
export function loadManifests(paths: string[], baseDir: string = process.cwd(), options: ManifestReadOptions = {}): ManifestLoadResult {
  const total: ManifestLoadResult = { objects: [], skippedSideFiles: [], problems: [], filesRead: 0, documentsRead: 0 };
  for (const path of paths) {
    let files: string[];
    try {
      files = listManifestFiles(path, total.skippedSideFiles);
    } catch (error) {
      total.problems.push({ type: 'parse', message: `cannot read ${path}: ${describeFsError(error)}` });
      continue;
    }
    for (const file of files) {
      const name = displayName(file, baseDir);
      let text: string;
      try {
        const size = statSync(file).size;
        if (size > MAX_MANIFEST_FILE_BYTES) {
          total.problems.push({ type: 'parse', message: `refused ${name}: ${size} bytes exceeds the ${MAX_MANIFEST_FILE_BYTES}-byte limit per manifest file`, source: { file: name, line: 1 } });
          continue;
        }
        const bytes = readFileSync(file);
        const reason = notTextReason(bytes);
        if (reason) {
          total.problems.push({ type: 'parse', message: `skipped ${name}: it ${reason}`, source: { file: name, line: 1 } });
          continue;
        }
        text = bytes.toString('utf8');
      } catch (error) {
        total.problems.push({ type: 'parse', message: `cannot read ${name}: ${describeFsError(error)}`, source: { file: name, line: 1 } });
        continue;
      }
      const parsed = parseManifestText(text, name, options);
      total.objects.push(...parsed.objects);
      total.problems.push(...parsed.problems);
      total.filesRead += 1;
      total.documentsRead += parsed.documentsRead;
    }
  }
  return total;
}
