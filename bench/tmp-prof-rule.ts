import { defaultConfig } from '../src/config/types.js';
import { buildMeshModel } from '../src/mesh/model.js';
import { createRuleContext } from '../src/rules/engine.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { generateTenantFleet } from './tenant-fleet.js';
const n = Number(process.argv[2]);
const ids = process.argv[3]!.split(',');
const objects: K8sObject[] = [];
for (const raw of generateTenantFleet(n)) { const r = normalizeObject(raw); if ('object' in r) objects.push(r.object); }
const snapshot = assembleSnapshot({ cluster: { name: 'x' }, source: 'manifests', objects });
for (let run = 0; run < 3; run++) {
  for (const id of ids) {
    const model = buildMeshModel(snapshot, defaultConfig());
    model.configObjects();
    const ctx = createRuleContext(snapshot, defaultConfig(), model);
    const rule = ALL_RULES.find(r => r.meta.id === id)!;
    const t = process.cpuUsage(); const res = rule.evaluate(ctx); const d = process.cpuUsage(t);
    console.log(id, res.length, 'cpu ms', ((d.user+d.system)/1000).toFixed(0));
  }
}
