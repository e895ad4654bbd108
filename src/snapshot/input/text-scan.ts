/**
 * Linear scans of manifest text that run before any parser: splitting a YAML stream into
 * documents, bounding nesting depth (a parser fed 30 MB of `[` spends minutes and gigabytes
 * before it fails), and finding where each item of a JSON List starts (its line for SARIF).
 * None of them recurses or allocates per character.
 */

/** Deeper documents are refused unparsed (Kubernetes objects nest a few dozen levels at most). */
export const MAX_NESTING_DEPTH = 512;

export interface YamlChunk {
  text: string;
  /** 1-based line of the chunk's first line in the whole text. */
  firstLine: number;
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/;

/**
 * Splits a YAML stream at `---` lines (column 0, as the YAML spec defines document markers;
 * they can never be content). Each chunk starts with its marker line. A chunk that holds
 * only directives and comments stays with the next one.
 */
export function splitYamlDocuments(text: string): YamlChunk[] {
  const chunks: YamlChunk[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let position = 0;
  while (position <= text.length) {
    const lineEnd = text.indexOf('\n', position);
    const next = lineEnd === -1 ? text.length + 1 : lineEnd + 1;
    if (position > start && text.startsWith('---', position) && DOCUMENT_MARKER.test(text.slice(position, position + 4))) {
      const chunk = text.slice(start, position);
      // A chunk of only directives and comments (before the first `---`) stays with the next document.
      if (!isPreludeOnly(chunk)) {
        chunks.push({ text: chunk, firstLine: startLine });
        start = position;
        startLine = line;
      }
    }
    position = next;
    line += 1;
  }
  if (start < text.length) chunks.push({ text: text.slice(start), firstLine: startLine });
  return chunks;
}

function isPreludeOnly(chunk: string): boolean {
  if (chunk.startsWith('---')) return false;
  return chunk.split('\n').every((line) => /^\s*$/.test(line) || line.startsWith('%') || /^\s*#/.test(line));
}

/** Character codes the YAML scans compare with. */
const TAB = 9;
const CR = 13;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const SINGLE_QUOTE = 39;
const COMMA = 44;
const DASH = 45;
const COLON = 58;
const GREATER = 62;
const QUESTION = 63;
const OPEN_SQUARE = 91;
const BACKSLASH = 92;
const CLOSE_SQUARE = 93;
const OPEN_CURLY = 123;
const PIPE = 124;
const CLOSE_CURLY = 125;

/**
 * Offset of the first point where a YAML document nests deeper than `limit`, or -1.
 * Counts block nesting by indentation (plus compact `- - ` entries) and flow nesting by
 * brackets outside quotes, comments and block scalars. An approximation of the grammar that
 * only ever over-counts plain-text brackets in flow context, never misses real nesting.
 */
export function yamlDepthExceeded(text: string, limit: number = MAX_NESTING_DEPTH): number {
  // Every level counted below takes a character of its own (a line's first character, each `- `,
  // each bracket) and a line at most one more, so fewer than `limit` characters cannot exceed it:
  // most documents of a manifest folder are a few hundred characters and are not scanned.
  if (text.length < limit) return -1;
  // Character codes, not one-character strings: this scan runs over every byte of every YAML file.
  const indents: number[] = [];
  let flowDepth = 0;
  let quote = 0; // 0, DOUBLE_QUOTE or SINGLE_QUOTE
  let blockScalarIndent = -1;
  let position = 0;
  while (position < text.length) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd === -1) lineEnd = text.length;
    let index = position;
    let indent = 0;
    while (index < lineEnd && text.charCodeAt(index) === SPACE) { index += 1; indent += 1; }
    const first = text.charCodeAt(index);
    const blank = index >= lineEnd || first === CR || (first === HASH && quote === 0 && flowDepth === 0);
    if (blockScalarIndent >= 0) {
      if (blank || indent > blockScalarIndent) { position = lineEnd + 1; continue; }
      blockScalarIndent = -1;
    }
    if (quote === 0 && flowDepth === 0 && !blank) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      let dashes = 0;
      while (text.charCodeAt(index) === DASH && (text.charCodeAt(index + 1) === SPACE || index + 1 >= lineEnd)) { dashes += 1; index += 2; while (text.charCodeAt(index) === SPACE) index += 1; }
      if (indents.length + dashes > limit) return position;
    }
    // Characters of the line: quotes, comments, flow brackets, block scalar headers.
    let nodeStart = quote === 0;
    for (; index < lineEnd; index += 1) {
      const char = text.charCodeAt(index);
      if (quote === DOUBLE_QUOTE) {
        if (char === BACKSLASH) index += 1;
        else if (char === DOUBLE_QUOTE) quote = 0;
        continue;
      }
      if (quote === SINGLE_QUOTE) {
        if (char === SINGLE_QUOTE && text.charCodeAt(index + 1) === SINGLE_QUOTE) index += 1;
        else if (char === SINGLE_QUOTE) quote = 0;
        continue;
      }
      if (char === SPACE || char === TAB) continue;
      if (char === HASH && (index === 0 || text.charCodeAt(index - 1) === SPACE || text.charCodeAt(index - 1) === TAB)) break;
      if (nodeStart && (char === DOUBLE_QUOTE || char === SINGLE_QUOTE)) { quote = char; nodeStart = false; continue; }
      if (flowDepth === 0 && nodeStart && (char === PIPE || char === GREATER)) { blockScalarIndent = indent; break; }
      if ((char === OPEN_SQUARE || char === OPEN_CURLY) && (flowDepth > 0 || nodeStart)) {
        flowDepth += 1;
        if (indents.length + flowDepth > limit) return index;
        nodeStart = true;
        continue;
      }
      if ((char === CLOSE_SQUARE || char === CLOSE_CURLY) && flowDepth > 0) { flowDepth -= 1; nodeStart = false; continue; }
      if (char === COMMA && flowDepth > 0) { nodeStart = true; continue; }
      if (char === COLON || char === QUESTION || char === DASH) {
        const after = text.charCodeAt(index + 1); // NaN past the end
        if (Number.isNaN(after) || after === SPACE || after === TAB || after === CR || index + 1 >= lineEnd || (flowDepth > 0 && (after === COMMA || after === OPEN_SQUARE || after === CLOSE_SQUARE || after === OPEN_CURLY || after === CLOSE_CURLY))) { nodeStart = true; continue; }
      }
      nodeStart = false;
    }
    position = lineEnd + 1;
  }
  return -1;
}

export interface JsonScan {
  /** Offset where nesting exceeds the limit, or -1. */
  tooDeepAt: number;
  /** For a top-level object with an `items` array: the 1-based line of each item. */
  itemLines: number[];
}

/**
 * One pass over JSON text: depth bound and the line of every element of the top-level
 * object's `items` array (kubectl List exports), so findings keep file and line without a
 * second parser. Malformed JSON is left to JSON.parse to report.
 */
export function scanJson(text: string, limit: number = MAX_NESTING_DEPTH): JsonScan {
  const itemLines: number[] = [];
  let depth = 0;
  let line = 1;
  let inItems = false;
  let expectItem = false;
  let lastKey = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 10) { line += 1; continue; }
    if (code === 32 || code === 9 || code === 13) continue;
    if (code === 34) {
      // A string: find its end (JSON strings cannot span lines).
      const keyStart = index + 1;
      index += 1;
      while (index < text.length) {
        const inner = text.charCodeAt(index);
        if (inner === 92) index += 2;
        else if (inner === 34) break;
        else index += 1;
      }
      if (depth === 1 && !inItems) lastKey = text.slice(keyStart, Math.min(index, keyStart + 8));
      if (expectItem) { itemLines.push(line); expectItem = false; }
      continue;
    }
    if (code === 91 || code === 123) {
      if (expectItem) { itemLines.push(line); expectItem = false; }
      depth += 1;
      if (depth > limit) return { tooDeepAt: index, itemLines };
      if (code === 91 && depth === 2 && lastKey === 'items' && itemLines.length === 0 && !inItems) { inItems = true; expectItem = true; }
      continue;
    }
    if (code === 93 || code === 125) {
      if (inItems && depth === 2) { inItems = false; expectItem = false; lastKey = ''; }
      depth -= 1;
      continue;
    }
    if (code === 44) {
      if (inItems && depth === 2) expectItem = true;
      if (depth === 1) lastKey = '';
      continue;
    }
    if (code === 58) continue;
    if (expectItem) { itemLines.push(line); expectItem = false; }
  }
  return { tooDeepAt: -1, itemLines };
}

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}
