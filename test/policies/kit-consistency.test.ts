/**
 * The kit's engines must say the same thing: the Kyverno generate rules produce exactly
 * the plain tenant defaults, the three engines skip the same system namespaces, the audit
 * overlay neither rejects nor mutates, and the documented configuration patches land on
 * the values they claim to change.
 */
import { describe, expect, it } from '@jest/globals';
import { findManifest, generatedObjectsFor, renderOverlay, type Manifest } from './kit.js';

/** The scanner's built-in system namespaces (rules.md vocabulary), with the AKS add-on root. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'aks-istio-*', 'istio-system', 'gatekeeper-system', 'kyverno', 'calico-system', 'tigera-operator', 'app-routing-system'];

type Rule = {
  name: string;
  exclude: { any: Array<{ resources: { namespaces?: string[]; names?: string[] } }> };
  generate?: { data: { spec: { egress: Array<{ hosts: string[] }> } } };
};
const rulesOf = (policy: Manifest) => (policy.spec as { rules: Rule[] }).rules;
const sortByKind = (manifests: Manifest[]) => [...manifests].sort((a, b) => a.kind.localeCompare(b.kind));

describe('Kyverno generate rules = policies/tenant-defaults', () => {
  it('generate the same objects as the plain manifests, in the new namespace', () => {
    const generated = generatedObjectsFor(renderOverlay('enforce'), 'team-a');
    const plain = renderOverlay('tenant-defaults').map((manifest) => ({ ...manifest, metadata: { ...manifest.metadata, namespace: 'team-a' } }));
    expect(sortByKind(generated)).toEqual(sortByKind(plain));
    expect(generated.map((manifest) => manifest.kind).sort()).toEqual(['AuthorizationPolicy', 'PeerAuthentication', 'ResourceQuota', 'Sidecar']);
  });

  it('use the AKS add-on root namespace by default, and istio-system in the upstream example', () => {
    const sidecarHosts = (overlay: string) => (generatedObjectsFor(renderOverlay(overlay), 'team-a').find((m) => m.kind === 'Sidecar')!.spec as { egress: Array<{ hosts: string[] }> }).egress[0]!.hosts;
    expect(sidecarHosts('enforce')).toEqual(['./*', 'aks-istio-system/*']);
    expect(sidecarHosts('examples/upstream-istio')).toEqual(['./*', 'istio-system/*']);
  });

  it('skip system namespaces and opted-out namespaces', () => {
    for (const rule of rulesOf(findManifest(renderOverlay('enforce'), 'ClusterPolicy', 'istio-tenant-namespace-defaults'))) {
      expect(rule.exclude.any[0]!.resources.names).toEqual(SYSTEM_NAMESPACES);
      expect(rule.exclude.any[1]).toEqual({ resources: { selector: { matchLabels: { 'isolation-scanner.io/tenant-defaults': 'disabled' } } } });
    }
  });
});

describe('the engines skip the same system namespaces', () => {
  it('Kyverno validate and mutate rules', () => {
    const kit = renderOverlay('enforce');
    for (const name of ['istio-require-explicit-exportto', 'istio-default-exportto-own-namespace']) {
      for (const rule of rulesOf(findManifest(kit, 'ClusterPolicy', name))) expect(rule.exclude.any[0]!.resources.namespaces).toEqual(SYSTEM_NAMESPACES);
    }
  });

  it('Gatekeeper constraint', () => {
    const constraint = findManifest(renderOverlay('enforce/gatekeeper'), 'K8sIstioServiceEntryExportTo', 'istio-exportto-explicit');
    expect((constraint.spec as { match: { excludedNamespaces: string[] } }).match.excludedNamespaces).toEqual(SYSTEM_NAMESPACES);
  });

  it('VAP binding (no globs in label selectors: the add-on namespaces are listed)', () => {
    const binding = findManifest(renderOverlay('enforce/vap'), 'ValidatingAdmissionPolicyBinding', 'istio-exportto-explicit.isolation-scanner.io');
    const values = (binding.spec as { matchResources: { namespaceSelector: { matchExpressions: Array<{ values: string[] }> } } }).matchResources.namespaceSelector.matchExpressions[0]!.values;
    const expected = SYSTEM_NAMESPACES.flatMap((name) => (name === 'aks-istio-*' ? ['aks-istio-system', 'aks-istio-ingress', 'aks-istio-egress'] : [name]));
    expect(values).toEqual(expected);
  });
});

describe('enforce and audit overlays', () => {
  const validationAction = (overlay: string) => (findManifest(renderOverlay(overlay), 'ClusterPolicy', 'istio-require-explicit-exportto').spec as { validationFailureAction: string }).validationFailureAction;

  it('enforce rejects and mutates', () => {
    expect(validationAction('enforce')).toBe('Enforce');
    expect(() => findManifest(renderOverlay('enforce'), 'ClusterPolicy', 'istio-default-exportto-own-namespace')).not.toThrow();
  });

  it('audit only reports: no Enforce, no mutation, same generate rules', () => {
    expect(validationAction('audit')).toBe('Audit');
    expect(renderOverlay('audit').some((manifest) => manifest.metadata.name === 'istio-default-exportto-own-namespace')).toBe(false);
    expect(generatedObjectsFor(renderOverlay('audit'), 'x')).toEqual(generatedObjectsFor(renderOverlay('enforce'), 'x'));
  });

  it('the upstream example adds a shared namespace to the wildcard rule only', () => {
    const rules = rulesOf(findManifest(renderOverlay('examples/upstream-istio'), 'ClusterPolicy', 'istio-require-explicit-exportto'));
    expect(rules[1]!.name).toBe('forbid-wildcard-exportto');
    expect(rules[1]!.exclude.any[0]!.resources.namespaces).toEqual([...SYSTEM_NAMESPACES, 'shared-services']);
    expect(rules[0]!.exclude.any[0]!.resources.namespaces).toEqual(SYSTEM_NAMESPACES);
  });
});
