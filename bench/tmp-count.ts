import { defaultConfig } from '../src/config/types.js';
import { buildMeshModel } from '../src/mesh/model.js';
import * as sidecars from '../src/mesh/sidecars.js';
import { createRuleContext } from '../src/rules/engine.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { generateTenantFleet } from './tenant-fleet.js';
const n = Number(process.argv[2]);
const objects: K8sObject[] = [];
for (const raw of generateTenantFleet(n)) { const r = normalizeObject(raw); if ('object' in r) objects.push(r.object); }
const snapshot = assembleSnapshot({ cluster: { name: 'x' }, source: 'manifests', objects });
const model = buildMeshModel(snapshot, defaultConfig());
const ctx = createRuleContext(snapshot, defaultConfig(), model);
const shapes = model.tenantShapes();
console.log('star groups', shapes.shapes.length, 'sizes', shapes.shapes.map(s=>s.namespaces.length).sort((a,b)=>b-a).slice(0,8).join(','));
for (const id of ['host-conflict-cross-namespace','virtualservice-foreign-host','serviceentry-shadows-service']) {
  const rule = ALL_RULES.find(r => r.meta.id === id)!;
  const t = process.cpuUsage(); const res = rule.evaluate(ctx); const d = process.cpuUsage(t);
  const aff = res.reduce((s, r) => s + (r.affectedNamespaces?.length ?? 0), 0);
  console.log(id, res.length, 'affected total', aff, 'cpu ms', ((d.user+d.system)/1000).toFixed(0));
}
