/**
 * Diagnostic for algorithm changes: evaluates a generated fleet and prints a digest of every
 * finding (all fields, lazily built lists read), one line per rule plus a total, so findings
 * before and after a change can be compared without timing anything.
 *
 *   node --import tsx bench/findings-digest.ts large          # bench/generator.ts size
 *   node --import tsx bench/findings-digest.ts tenants:625    # bench/tenant-fleet.ts namespaces
 *   node --import tsx bench/findings-digest.ts demo           # the bundled demo fleet
 *   node --import tsx bench/findings-digest.ts large 1.22     # ... assuming an Istio version (precedence differs before 1.24)
 */
import { createHash } from 'node:crypto';
import { defaultConfig } from '../src/config/types.js';
import { evaluateSnapshot } from '../src/rules/engine.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import { loadDemoFleet } from '../src/snapshot/offline.js';
import type { ClusterSnapshot, K8sObject } from '../src/snapshot/types.js';
import { SIZES, generateFleet, type RawObject } from './generator.js';
import { generateTenantFleet } from './tenant-fleet.js';

const [which = 'small', versionText] = process.argv.slice(2);
const istioVersion = versionText ? { major: Number(versionText.split('.')[0]), minor: Number(versionText.split('.')[1]), source: 'findings-digest' } : undefined;

function snapshotOf(raws: RawObject[]): ClusterSnapshot {
  const objects: K8sObject[] = [];
  for (const raw of raws) {
    const result = normalizeObject(raw);
    if ('object' in result) objects.push(result.object);
  }
  return assembleSnapshot({ cluster: { name: 'digest' }, source: 'manifests', objects, istioVersion });
}

const snapshots =
  which === 'demo'
    ? loadDemoFleet({ istioVersion }).map(({ snapshot }) => snapshot)
    : [snapshotOf(which.startsWith('tenants:') ? generateTenantFleet(Number(which.slice('tenants:'.length))) : generateFleet(SIZES[which as keyof typeof SIZES]))];
const byRule = new Map<string, ReturnType<typeof createHash>>();
const total = createHash('sha256');
let count = 0;
for (const snapshot of snapshots) {
  for (const finding of evaluateSnapshot(snapshot, defaultConfig())) {
    const text = JSON.stringify(finding);
    total.update(text);
    if (!byRule.has(finding.ruleId)) byRule.set(finding.ruleId, createHash('sha256'));
    byRule.get(finding.ruleId)!.update(text);
    count += 1;
  }
}
for (const [rule, hash] of [...byRule].sort()) console.log(`${hash.digest('hex').slice(0, 16)}  ${rule}`);
console.log(`${total.digest('hex').slice(0, 16)}  TOTAL (${count} findings)`);
