import { describe, expect, it } from '@jest/globals';
import { authorizationFor, namespaceInventoryKnown, namespacePatternMatchesAny, policiesByNamespace, sourceNamespaces } from '../../../src/mesh/authorization.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

describe('authorization helpers', () => {
  const snapshot = snapshotFromYaml({
    manifests: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mesh, namespace: istio-system}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gw, namespace: istio-system}
spec: {targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: own, namespace: a}
spec:
  action: DENY
  rules: [{from: [{source: {namespaces: [x, y]}}, {source: {principals: [p]}}]}]
`,
  });
  const policies = snapshot.objects.AuthorizationPolicy;

  it('applies own policies and selector-less root policies, not targeted root ones', () => {
    expect(authorizationFor('a', policiesByNamespace(policies), 'istio-system').applying.map((p) => p.metadata.name).sort()).toEqual(['mesh', 'own']);
    expect(authorizationFor('b', policiesByNamespace(policies), 'istio-system').applying.map((p) => p.metadata.name)).toEqual(['mesh']);
    // Only the selector-less ALLOW policy makes the namespace default-deny; the DENY policy does not.
    expect(authorizationFor('a', policiesByNamespace(policies), 'istio-system').namespaceWideAllow.map((p) => p.metadata.name)).toEqual(['mesh']);
    expect(authorizationFor('a', policiesByNamespace(policies.filter((p) => p.metadata.name !== 'mesh')), 'istio-system').namespaceWideAllow).toEqual([]);
  });

  it('lists source namespaces with their field path', () => {
    expect(sourceNamespaces(policies[2]!)).toEqual([
      { value: 'x', path: 'spec.rules[0].from[0].source.namespaces' },
      { value: 'y', path: 'spec.rules[0].from[0].source.namespaces' },
    ]);
  });

  it('matches Istio prefix/suffix namespace patterns', () => {
    expect(namespacePatternMatchesAny('prod-*', new Set(['prod-web']))).toBe(true);
    expect(namespacePatternMatchesAny('*-web', new Set(['prod-web']))).toBe(true);
    expect(namespacePatternMatchesAny('prod', new Set(['prod-web']))).toBe(false);
  });

  it('knows namespace existence only when Namespace objects were read', () => {
    expect(namespaceInventoryKnown(snapshot)).toBe(false);
    expect(namespaceInventoryKnown(snapshotFromYaml({ manifests: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' }))).toBe(true);
  });
});
