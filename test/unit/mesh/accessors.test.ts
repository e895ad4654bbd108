import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { compareByAge, rawHostsOf, sidecarEgressHostsOf, workloadSelectorOf } from '../../../src/mesh/accessors.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { ALL_RULES } from '../../../src/rules/registry.js';
import { createRuleContext } from '../../../src/rules/engine.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { obj, snapshot } from './fixtures.js';

describe('accessors never throw on mistyped specs', () => {
  it('treat wrong types as absent', () => {
    const bad = obj('Sidecar', 'a', 's', { egress: 'all', workloadSelector: 'x', hosts: 'h' });
    expect(sidecarEgressHostsOf(bad)).toBeUndefined();
    expect(workloadSelectorOf(bad)).toBeUndefined();
    expect(rawHostsOf(obj('ServiceEntry', 'a', 'se', { hosts: 'a.example.com' }))).toEqual([]);
    expect(rawHostsOf(obj('DestinationRule', 'a', 'dr', { host: 7 }))).toEqual([]);
  });

  it('the exposure, sidecar and mesh rules survive arbitrary spec values (property)', () => {
    const ours = ALL_RULES.filter((rule) => ['exposure', 'sidecar', 'mesh'].includes(rule.meta.category));
    const kinds = ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Sidecar', 'Service', 'PeerAuthentication'];
    const spec = fc.dictionary(fc.constantFrom('hosts', 'host', 'exportTo', 'egress', 'workloadSelector', 'gateways', 'outboundTrafficPolicy', 'mtls', 'selector'), fc.anything());
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), fc.constantFrom('tenant-a', 'tenant-b', 'istio-system'), spec), { maxLength: 6 }), (entries) => {
        const objects: K8sObject[] = entries.map(([kind, ns, s], i) => obj(kind, ns, `o${i}`, s as Record<string, unknown>));
        const snap = snapshot(objects);
        const model = buildMeshModel(snap, defaultConfig());
        for (const rule of ours) expect(() => rule.evaluate(createRuleContext(snap, defaultConfig(), model))).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});

describe('compareByAge', () => {
  it('orders by creationTimestamp, then name, then namespace; missing timestamps last', () => {
    const objects = [
      obj('Sidecar', 'b', 'x', {}, { created: '2024-01-01T00:00:00Z' }),
      obj('Sidecar', 'a', 'x', {}, { created: '2024-01-01T00:00:00Z' }),
      obj('Sidecar', 'a', 'a', {}),
      obj('Sidecar', 'a', 'z', {}, { created: '2023-01-01T00:00:00Z' }),
    ];
    expect([...objects].sort(compareByAge).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/z', 'a/x', 'b/x', 'a/a']);
  });
});
