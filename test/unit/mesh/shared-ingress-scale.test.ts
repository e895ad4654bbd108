/**
 * A Gateway per tenant on the shared ingress proxy (the AKS add-on's documented layout: each
 * tenant's Gateway selects `istio: aks-istio-ingressgateway-external`) and a per-tenant
 * aggregated ClusterRole: shapes where one object of each tenant meets one shared object, so a
 * per-tenant question answered by reading every tenant's objects is quadratic. These tests
 * count the reads (never time anything) and pin the answers.
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { effectiveClusterRoleRules } from '../../../src/mesh/rbac.js';
import { createRuleContext } from '../../../src/rules/engine.js';
import { gatewaySelectsForeignWorkloadRule } from '../../../src/rules/ingress/gateway-selects-foreign-workload.js';
import { listSummaryOf } from '../../../src/rules/list-summary.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { rawObject as object, snapshot, tenant } from './fixtures.js';

const INGRESS = 'aks-istio-ingress';
const SELECTOR = { istio: 'aks-istio-ingressgateway-external' };

function fleet(count: number): K8sObject[] {
  const objects = [
    object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: INGRESS } }),
    object({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'aks-istio-ingressgateway-external', namespace: INGRESS },
      spec: { selector: { matchLabels: SELECTOR }, template: { metadata: { labels: SELECTOR }, spec: { containers: [{ name: 'istio-proxy', args: ['proxy', 'router'] }] } } },
    }),
  ];
  for (let i = 0; i < count; i++) {
    const ns = tenant(i);
    objects.push(object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    objects.push(
      object({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: 'ingress', namespace: ns, creationTimestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString() },
        spec: { selector: SELECTOR, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [`${ns}.apps.example.com`], tls: { mode: 'SIMPLE', credentialName: ns } }] },
      }),
    );
    objects.push(
      object({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'web', namespace: ns },
        spec: { hosts: [`${ns}.apps.example.com`], gateways: ['ingress'], http: [{ route: [{ destination: { host: 'web' } }] }] },
      }),
    );
    objects.push(object({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${ns}-admin` }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/tenant': ns } }] }, rules: [] }));
    for (const part of ['mesh', 'view']) {
      objects.push(
        object({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: `${ns}-${part}`, labels: { 'example.com/tenant': ns, 'example.com/part': part } },
          rules: [{ apiGroups: [part === 'mesh' ? 'networking.istio.io' : ''], resources: [part === 'mesh' ? 'virtualservices' : 'pods'], verbs: ['get'] }],
        }),
      );
    }
  }
  return objects;
}

/** Wraps an object or array so that every property read adds one to `counter.reads`. */
function counted<T extends object>(target: T, counter: { reads: number }): T {
  return new Proxy(target, {
    get(inner, property, receiver) {
      counter.reads += 1;
      return Reflect.get(inner, property, receiver);
    },
  });
}

describe('a Gateway per tenant on the shared ingress proxy', () => {
  function run(count: number) {
    const snap = snapshot(fleet(count));
    const model = buildMeshModel(snap, defaultConfig());
    const ingress = model.istioIngress();
    const counter = { reads: 0 };
    // The proxy class merges every tenant's Gateway; count reads of that list and of the bindings.
    for (const proxy of new Set(ingress.bindings.map((binding) => binding.proxy))) proxy.gateways = counted(proxy.gateways, counter);
    const groups = ingress.virtualHosts();
    Object.defineProperty(ingress, 'bindings', { value: counted(ingress.bindings, counter) });
    const results = gatewaySelectsForeignWorkloadRule.evaluate(createRuleContext(snap, defaultConfig(), model));
    return { groups, results, reads: counter.reads };
  }

  it('groups each tenant host on its own and lists every other tenant as sharing the proxy', () => {
    const { groups, results } = run(20);
    expect(groups.map((group) => group.host)).toHaveLength(20);
    expect(groups.every((group) => group.bindings.length === 1 && group.proxy.gateways.length === 20)).toBe(true);
    expect(results).toHaveLength(20);
    const third = results.find((result) => result.namespace === tenant(3))!;
    const others = Array.from({ length: 20 }, (_, i) => tenant(i)).filter((ns) => ns !== tenant(3));
    expect(third.affectedNamespaces).toEqual(others);
    const summary = listSummaryOf(third, 'affectedNamespaces')!;
    expect([summary.size, summary.first(2), summary.has(tenant(3)), summary.has(tenant(4))]).toEqual([19, [tenant(0), tenant(1)], false, true]);
  });

  it('reads the merged Gateways once per proxy and the bindings once, not once per host or Gateway', () => {
    const small = run(100).reads;
    const large = run(400).reads;
    // Linear: four times the tenants, about four times the reads (per host or per Gateway gives sixteen).
    expect(large).toBeLessThanOrEqual(small * 4.5);
    expect(large).toBeLessThan(400 * 20);
  });
});

describe('per-tenant aggregated ClusterRoles', () => {
  function run(count: number): { rules: Map<string, unknown[]>; reads: number } {
    const roles = fleet(count).filter((item) => item.kind === 'ClusterRole');
    const counter = { reads: 0 };
    for (const role of roles) role.metadata.labels = counted(role.metadata.labels, counter);
    const rules = effectiveClusterRoleRules(roles);
    return { rules, reads: counter.reads };
  }

  it('aggregates the rules of the roles carrying the tenant label only', () => {
    const { rules } = run(30);
    expect(rules.get(`${tenant(7)}-admin`)).toEqual([
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: ['get'], resourceNames: [] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: [] },
    ]);
    expect(rules.get(`${tenant(7)}-view`)).toHaveLength(1);
  });

  it('reads each role’s labels a bounded number of times, not once per aggregating role', () => {
    const small = run(100).reads;
    const large = run(400).reads;
    expect(large).toBeLessThanOrEqual(small * 4.5);
    expect(large).toBeLessThan(400 * 40);
  });
});
