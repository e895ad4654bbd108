/**
 * A Gateway API Gateway per tenant whose listeners admit routes from every namespace (`from:
 * All`) or from a selector many tenants match: each listener's finding lists every admitted
 * tenant. Admission depends only on `from` and the selector, so the admitted tenants are listed
 * once per distinct selector and each finding's affectedNamespaces is a view over that list.
 * The test counts namespace label lookups (never times anything) and pins the lists.
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { createRuleContext } from '../../../src/rules/engine.js';
import { gatewayAllowedRoutesBroadRule } from '../../../src/rules/ingress/gateway-allowedroutes-broad.js';
import { listSummaryOf } from '../../../src/rules/list-summary.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { rawObject as object, snapshot, tenant } from './fixtures.js';


function fleet(count: number): K8sObject[] {
  const objects: K8sObject[] = [];
  for (let i = 0; i < count; i++) {
    const ns = tenant(i);
    objects.push(object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { env: i % 2 === 0 ? 'prod' : 'dev' } } }));
    objects.push(
      object({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'edge', namespace: ns },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            { name: 'all', port: 80, protocol: 'HTTP', hostname: `all.${ns}.example.com`, allowedRoutes: { namespaces: { from: 'All' } } },
            { name: 'prod', port: 80, protocol: 'HTTP', hostname: `prod.${ns}.example.com`, allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { env: 'prod' } } } } },
          ],
        },
      }),
    );
  }
  return objects;
}

function run(count: number) {
  const snap = snapshot(fleet(count));
  const model = buildMeshModel(snap, defaultConfig());
  const context = createRuleContext(snap, defaultConfig(), model);
  model.tenantNamespaces();
  let lookups = 0;
  const get = snap.namespaces.get.bind(snap.namespaces);
  snap.namespaces.get = (name: string) => {
    lookups += 1;
    return get(name);
  };
  const results = gatewayAllowedRoutesBroadRule.evaluate(context);
  return { results, lookups };
}

describe('gateway-allowedroutes-broad on a Gateway per tenant', () => {
  it('lists every other tenant, or every other matching tenant, per listener', () => {
    const { results } = run(10);
    expect(results).toHaveLength(20);
    const all = results.find((result) => result.namespace === tenant(2) && result.subjectKey === 'all')!;
    expect(all.affectedNamespaces).toEqual(Array.from({ length: 10 }, (_, i) => tenant(i)).filter((ns) => ns !== tenant(2)));
    const prod = results.find((result) => result.namespace === tenant(2) && result.subjectKey === 'prod')!;
    expect(prod.affectedNamespaces).toEqual([tenant(0), tenant(4), tenant(6), tenant(8)]);
    expect(prod.message).toContain('(4 tenant namespaces: tenant-0000, tenant-0004, tenant-0006 and 1 more)');
    expect(prod.evidence).toMatchObject({ admittedTenantNamespaces: [tenant(0), tenant(4), tenant(6), tenant(8)], admittedTenantNamespaceCount: 4 });
    const summary = listSummaryOf(prod, 'affectedNamespaces')!;
    expect([summary.size, summary.first(2), summary.has(tenant(2)), summary.has(tenant(4))]).toEqual([4, [tenant(0), tenant(4)], false, true]);
  });

  it('looks up each namespace once per distinct allowedRoutes, not once per listener', () => {
    const small = run(100).lookups;
    const large = run(400).lookups;
    // Linear: four times the tenants, about four times the lookups (once per listener gives sixteen).
    expect(large).toBeLessThanOrEqual(small * 4.5);
    expect(large).toBeLessThan(400 * 4);
  });
});
