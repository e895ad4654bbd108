/**
 * Benchmark 3's floor: merely parse every manifest file under a folder with the same YAML
 * library and options the scanner's reader is compared with (`parseAllDocuments` with a
 * LineCounter, then toJS), no scanner logic. Plain JavaScript, like the compiled CLI it is
 * measured against, so neither side pays for loading TypeScript:
 * `node bench/parse-only.mjs DIR` prints the document count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';

/** Folders the scanner does not walk (VCS_FOLDERS of src/snapshot/input/files.ts). */
const VCS_FOLDERS = new Set(['.git', '.hg', '.svn']);

/** The files the scanner reads under DIR: .yaml, .yml and .json, in name order, depth first, version-control folders skipped. */
function manifestFiles(dir) {
  const files = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (VCS_FOLDERS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...manifestFiles(path));
    else if (entry.isFile() && ['.yaml', '.yml', '.json'].includes(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: parse-only.mjs DIR');
let documents = 0;
for (const file of manifestFiles(dir)) {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: true });
  for (const document of Array.isArray(parsed) ? parsed : [parsed]) {
    if (document.toJS() !== null) documents += 1;
  }
}
console.log(JSON.stringify({ documents }));
