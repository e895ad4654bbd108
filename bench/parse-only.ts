/**
 * Benchmark 3's baseline: merely parse every manifest file under a folder with the same YAML
 * library and options the scanner uses (`parseAllDocuments` with a LineCounter, then toJS),
 * no scanner logic. `node --import tsx bench/parse-only.ts DIR` prints the document count.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { listManifestFiles } from '../src/snapshot/manifests.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: parse-only.ts DIR');
let documents = 0;
for (const file of listManifestFiles(dir)) {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: true });
  for (const document of Array.isArray(parsed) ? parsed : [parsed]) {
    if (document.toJS() !== null) documents += 1;
  }
}
console.log(JSON.stringify({ documents }));
