/**
 * DestinationRuleIndex against Istio's PushContext.destinationRule (push_context.go): proxy
 * namespace first, then the service's namespace (rules exported to the proxy), then the root
 * namespace; in each, only the most specific host (MostSpecificHostMatch), with the exportTo
 * filter applied after that choice.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { hostMatches } from '../../../src/mesh/hosts.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { namespaces, obj, snapshot } from './fixtures.js';

const dr = (ns: string, name: string, host: string, extra: { exportTo?: string[]; selector?: Record<string, string>; created?: string } = {}) =>
  obj('DestinationRule', ns, name, { host, ...(extra.exportTo ? { exportTo: extra.exportTo } : {}), ...(extra.selector ? { workloadSelector: { matchLabels: extra.selector } } : {}) }, { created: extra.created });

function lookup(objects: K8sObject[], proxy: string, host: string, serviceNamespace: string, meshConfig = {}) {
  const model = buildMeshModel(snapshot([...namespaces('a', 'b', 'c'), ...objects], meshConfig), defaultConfig());
  const found = model.destinationRules().lookup(proxy, host, serviceNamespace);
  return found ? { source: found.source, host: found.host, rules: found.rules.map((config) => `${config.namespace}/${config.object.metadata.name}`) } : undefined;
}

const payments = 'payments.b.svc.cluster.local';

describe('DestinationRule lookup (PushContext.destinationRule)', () => {
  it("the proxy's own rule hides the service namespace's exported rule", () => {
    expect(lookup([dr('a', 'mine', payments), dr('b', 'owner', 'payments')], 'a', payments, 'b')).toEqual({ source: 'proxy-namespace', host: payments, rules: ['a/mine'] });
  });

  it("the proxy's own wildcard rule hides the service namespace's exact one (step 1 returns any match)", () => {
    expect(lookup([dr('a', 'mine', '*.cluster.local'), dr('b', 'owner', 'payments')], 'a', payments, 'b')?.rules).toEqual(['a/mine']);
  });

  it('a rule of the proxy namespace exported only elsewhere is not consulted first', () => {
    expect(lookup([dr('a', 'mine', payments, { exportTo: ['c'] }), dr('b', 'owner', 'payments')], 'a', payments, 'b')).toMatchObject({ source: 'service-namespace', rules: ['b/owner'] });
  });

  it('a workload-selected rule of the proxy namespace hides the others for the whole namespace', () => {
    expect(lookup([dr('a', 'mine', payments, { selector: { app: 'x' } }), dr('b', 'owner', 'payments')], 'a', payments, 'b')).toMatchObject({ source: 'proxy-namespace', rules: ['a/mine'] });
  });

  it("the service namespace's rule hides the root namespace's", () => {
    expect(lookup([dr('istio-system', 'mesh', payments), dr('b', 'owner', 'payments')], 'a', payments, 'b')).toMatchObject({ source: 'service-namespace', rules: ['b/owner'] });
  });

  it("the root namespace's rule applies when neither the proxy's nor the service's namespace has one", () => {
    expect(lookup([dr('istio-system', 'mesh', '*.local'), dr('c', 'third', payments)], 'a', payments, 'b')).toMatchObject({ source: 'root-namespace', host: '*.local', rules: ['istio-system/mesh'] });
  });

  it('only the most specific exported rule of the service namespace is consulted: the exact host beats a wildcard', () => {
    expect(lookup([dr('b', 'wide', '*.b.svc.cluster.local'), dr('b', 'exact', 'payments')], 'a', payments, 'b')?.rules).toEqual(['b/exact']);
    expect(lookup([dr('b', 'wide', '*.cluster.local'), dr('b', 'narrow', '*.b.svc.cluster.local')], 'a', payments, 'b')?.rules).toEqual(['b/narrow']);
  });

  it('the exportTo filter comes after the most specific choice: a more specific rule not exported to the proxy falls through to root', () => {
    const objects = [dr('b', 'wide', '*.b.svc.cluster.local'), dr('b', 'exact', 'payments', { exportTo: ['.', 'c'] }), dr('istio-system', 'mesh', '*.local')];
    expect(lookup(objects, 'a', payments, 'b')).toMatchObject({ source: 'root-namespace', rules: ['istio-system/mesh'] });
    expect(lookup(objects, 'c', payments, 'b')).toMatchObject({ source: 'service-namespace', rules: ['b/exact'] });
  });

  it('several rules for the same host in one namespace are all used, workload-selected first, then oldest first', () => {
    const objects = [dr('b', 'newer', 'payments', { created: '2025-01-01T00:00:00Z' }), dr('b', 'older', 'payments', { created: '2024-01-01T00:00:00Z' }), dr('b', 'selected', 'payments', { created: '2026-01-01T00:00:00Z', selector: { app: 'x' } })];
    // The selected one is private to b: b's own proxies see all three, a only the exported two.
    expect(lookup(objects, 'b', payments, 'b')?.rules).toEqual(['b/selected', 'b/older', 'b/newer']);
    expect(lookup(objects, 'a', payments, 'b')?.rules).toEqual(['b/older', 'b/newer']);
  });

  it('a wildcard service host is matched by wildcard rules only, an exact rule never covers it', () => {
    expect(lookup([dr('b', 'exact', 'api.example.com')], 'a', '*.example.com', 'b')).toBeUndefined();
    expect(lookup([dr('b', 'same', '*.example.com'), dr('b', 'wider', '*.com')], 'a', '*.example.com', 'b')?.rules).toEqual(['b/same']);
    expect(lookup([dr('b', 'wider', '*.com')], 'a', '*.example.com', 'b')?.rules).toEqual(['b/wider']);
  });

  it('a partial wildcard matches names ending in its suffix (host.Name semantics)', () => {
    expect(lookup([dr('b', 'partial', '*ample.com')], 'a', 'api.example.com', 'b')?.host).toBe('*ample.com');
  });

  it('root proxies read only the private root rules first, then the service namespace', () => {
    const objects = [dr('istio-system', 'private', payments, { exportTo: ['.'] }), dr('istio-system', 'public', '*.local'), dr('b', 'owner', 'payments')];
    expect(lookup(objects, 'istio-system', payments, 'b')).toMatchObject({ source: 'proxy-namespace', rules: ['istio-system/private'] });
    expect(lookup(objects.slice(1), 'istio-system', payments, 'b')).toMatchObject({ source: 'service-namespace', rules: ['b/owner'] });
    // A private root rule is nobody else's fallback.
    expect(lookup(objects.slice(0, 1), 'a', payments, 'b')).toBeUndefined();
  });

  it('a mesh default of "." keeps rules without exportTo in their namespace', () => {
    expect(lookup([dr('b', 'owner', 'payments')], 'a', payments, 'b', { defaultDestinationRuleExportTo: ['.'] })).toBeUndefined();
    expect(lookup([dr('b', 'owner', 'payments')], 'b', payments, 'b', { defaultDestinationRuleExportTo: ['.'] })?.rules).toEqual(['b/owner']);
  });

  /** The definition the index replaces: a scan of every rule, longest matching host in each place. */
  it('equals a scan over every rule on random rules (property)', () => {
    const nsName = fc.constantFrom('a', 'b', 'c', 'istio-system');
    const host = fc.constantFrom('payments', payments, '*.b.svc.cluster.local', '*.cluster.local', '*.local', '*', '*ents.b.svc.cluster.local', 'other.c.svc.cluster.local');
    const exportTo = fc.option(fc.subarray(['.', '*', 'a', 'b', 'c']), { nil: undefined });
    const rule = fc.record({ ns: nsName, host, exportTo, selector: fc.boolean() });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), nsName, (rules, proxy) => {
        const objects = rules.map((r, i) => dr(r.ns, `r${i}`, r.host, { exportTo: r.exportTo && r.exportTo.length > 0 ? r.exportTo : undefined, selector: r.selector ? { app: 'x' } : undefined }));
        const model = buildMeshModel(snapshot([...namespaces('a', 'b', 'c'), ...objects]), defaultConfig());
        const configs = model.configObjects().filter((config) => config.kind === 'DestinationRule');
        const resolved = (config: (typeof configs)[number]) => config.hosts[0]!;
        const selected = (config: (typeof configs)[number]) => config.object.spec.workloadSelector !== undefined;
        const set = (config: (typeof configs)[number]) => (selected(config) ? ['.'] : (config.exportTo.values ?? []));
        const exportedTo = (config: (typeof configs)[number], target: string) => set(config).includes('*') || set(config).includes(target) || (set(config).includes('.') && target === config.namespace);
        const local = (config: (typeof configs)[number]) => exportedTo(config, config.namespace);
        const exported = (config: (typeof configs)[number]) => !(set(config).length === 1 && (set(config)[0] === '.' || set(config)[0] === config.namespace));
        const best = (pool: typeof configs) => {
          const matching = pool.filter((config) => hostMatches(resolved(config), payments));
          if (matching.length === 0) return undefined;
          const exact = matching.filter((config) => resolved(config) === payments);
          const top = exact.length > 0 ? payments : matching.map(resolved).sort((x, y) => y.length - x.length)[0]!;
          return matching.filter((config) => resolved(config) === top);
        };
        const names = (list: typeof configs) => list.map((config) => config.object.metadata.name).sort();
        let expected: string[] | undefined;
        const step1 = best(configs.filter((config) => config.namespace === proxy && (proxy === 'istio-system' ? !exported(config) : local(config))));
        if (step1) expected = names(step1);
        for (const owner of ['b', 'istio-system']) {
          if (expected) break;
          const found = best(configs.filter((config) => config.namespace === owner && exported(config)));
          const kept = found?.filter((config) => exportedTo(config, proxy));
          if (kept && kept.length > 0) expected = names(kept);
        }
        const actual = model.destinationRules().lookup(proxy, payments, 'b');
        expect(actual ? names([...actual.rules]) : undefined).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
