/**
 * Diagnostic: time each rule separately on one size, to name the hot spot when evaluation
 * misses its target. `node --import tsx bench/rule-times.ts large [--json]`
 * (bench/run.ts runs it on small and large and compares time per object rule by rule).
 */
import { defaultConfig } from '../src/config/types.js';
import { buildMeshModel } from '../src/mesh/model.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { createRuleContext } from '../src/rules/engine.js';
import type { RuleContext } from '../src/rules/types.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { SIZES, generateFleet } from './generator.js';

const size = SIZES[(process.argv[2] ?? 'large') as keyof typeof SIZES];
if (!size) throw new Error(`unknown size ${process.argv[2]}; use ${Object.keys(SIZES).join(', ')}`);

const objects: K8sObject[] = [];
for (const raw of generateFleet(size)) {
  const result = normalizeObject(raw);
  if ('object' in result) objects.push(result.object);
}
const snapshot = assembleSnapshot({ cluster: { name: `bench-${size.name}` }, source: 'manifests', objects });
const config = defaultConfig();
// Small fleets are over before the JIT has warmed up: give them one unmeasured pass first,
// so that growth from small to large is not an artefact of cold code.
if (objects.length < 5_000) {
  const warmSnapshot = assembleSnapshot({ cluster: { name: 'warm-up' }, source: 'manifests', objects });
  const warmCtx: RuleContext = createRuleContext(warmSnapshot, defaultConfig());
  for (const rule of ALL_RULES) rule.evaluate(warmCtx);
}
let started = performance.now();
const ctx: RuleContext = createRuleContext(snapshot, config, buildMeshModel(snapshot, config));
const rows: Array<{ rule: string; ms: number; results: number }> = [{ rule: '(buildMeshModel)', ms: performance.now() - started, results: 0 }];
// Rules share the model's lazy caches, so the first rule to touch a cache pays for building it.
for (const rule of ALL_RULES) {
  started = performance.now();
  const results = rule.evaluate(ctx);
  rows.push({ rule: rule.meta.id, ms: performance.now() - started, results: results.length });
}
rows.sort((a, b) => b.ms - a.ms);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ size: size.name, objects: objects.length, rows }));
  process.exit(0);
}
console.log(`${size.name}: ${objects.length} objects`);
for (const row of rows) console.log(`${row.ms.toFixed(1).padStart(10)} ms  ${String(row.results).padStart(6)}  ${row.rule}`);
