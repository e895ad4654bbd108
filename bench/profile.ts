/**
 * Names the evaluation hot spot at function level: runs the evaluation worker once under
 * `node --cpu-prof`, then lists the functions with the most self time and the most total
 * (inclusive) time, with file and line.
 *
 *   node --import tsx bench/profile.ts large [top=15]          # bench/generator.ts fleet
 *   node --import tsx bench/profile.ts tenants:2500 [top=15]   # bench/tenant-fleet.ts, 2,500 namespaces, evaluation
 *   node --import tsx bench/profile.ts tenants:2500 15 render  # ... evaluation and rendering of every format
 *
 * Used to write the "Hot spots" section of docs/performance.md; not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  where: string;
  selfMs: number;
  totalMs: number;
}

const sourceCache = new Map<string, string[]>();

/** 1-based line where `name` is defined in `path` (function, method, const or class), or 0. */
function definitionLine(path: string, name: string): number {
  if (!name) return 0;
  let lines = sourceCache.get(path);
  if (!lines) {
    lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
    sourceCache.set(path, lines);
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const definition = new RegExp(`(function\\*?\\s+${escaped}\\b|class\\s+${escaped}\\b|(const|let)\\s+${escaped}\\s*=|^\\s*(static\\s+|private\\s+|public\\s+|get\\s+|async\\s+)*${escaped}\\s*[(<])`);
  const index = lines.findIndex((line) => definition.test(line));
  return index + 1;
}

/** Self and inclusive time per function (recursion counted once per stack) from a V8 .cpuprofile. */
export function summarizeProfile(profile: CpuProfile, root = process.cwd()): FunctionTime[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const path = url.startsWith('file://') ? new URL(url).pathname : '';
    const file = path ? relative(root, path) : url || '(native)';
    // tsx's in-memory transform reports line 0 for everything; find the definition instead.
    const line = lineNumber > 0 || !path ? lineNumber + 1 : definitionLine(path, functionName);
    return `${functionName || '(anonymous)'} ${file}:${line}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  profile.samples.forEach((sampleId, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = byId.get(sampleId);
    if (!leaf) return;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let id: number | undefined = sampleId; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  return [...total].map(([where, totalMs]) => ({ where, totalMs, selfMs: self.get(where) ?? 0 }));
}

const isMain = process.argv[1]?.endsWith('profile.ts');
if (isMain) {
  const size = process.argv[2] ?? 'large';
  const top = Number(process.argv[3] ?? 15);
  const dir = mkdtempSync(join(tmpdir(), 'iis-prof-'));
  try {
    const worker = size.startsWith('tenants:')
      ? ['bench/shapes-worker.ts', size.slice('tenants:'.length), '1', '--no-rules', ...(process.argv[4] === 'render' ? [] : ['--no-render'])]
      : ['bench/eval-worker.ts', size, '1'];
    const child = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--max-old-space-size=2048', '--import', 'tsx', ...worker], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (child.status !== 0) throw new Error(`eval worker exited with ${child.status}`);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    const functions = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile).filter((f) => f.where.includes('src/'));
    const print = (title: string, rows: FunctionTime[]) => {
      console.log(`\n${title}`);
      for (const row of rows.slice(0, top)) console.log(`${row.selfMs.toFixed(0).padStart(8)} self ms ${row.totalMs.toFixed(0).padStart(8)} total ms  ${row.where}`);
    };
    print('by self time (src/ only)', [...functions].sort((a, b) => b.selfMs - a.selfMs));
    print('by total time (src/ only)', [...functions].sort((a, b) => b.totalMs - a.totalMs));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
