import { describe, expect, it } from '@jest/globals';
import { defaultConfig, type ConfigSuppression } from '../../../src/config/types.js';
import { quotaServiceEntryMissing } from '../../../src/rules/admission/quota-serviceentry-missing.js';
import { rbacServiceEntryWriteBroad } from '../../../src/rules/admission/rbac-serviceentry-write-broad.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { annotatedObjects, expiredSuppressions, expiryInstant, LazyObjectIndex, SUPPRESS_ANNOTATION } from '../../../src/rules/suppression.js';
import { destinationRuleTlsDisabled } from '../../../src/rules/transport/destinationrule-tls-disabled.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';
import type { ClusterSnapshot, K8sObject, SnapshotKind } from '../../../src/snapshot/types.js';

const NOW = new Date('2026-06-15T12:00:00Z');

function scan(manifests: string, suppressions: ConfigSuppression[] = []) {
  const snapshot = snapshotFromYaml({ manifests });
  return evaluateSnapshot(snapshot, defaultConfig({ suppressions, now: NOW }), { rules: [quotaServiceEntryMissing, destinationRuleTlsDisabled] });
}

const twoNamespaces = `
apiVersion: v1
kind: Namespace
metadata:
  name: tenant-a
  annotations:
    isolation-scanner.io/suppress: "exportto-missing, quota-serviceentry-missing"
    isolation-scanner.io/suppress-reason: "Quota managed by the platform operator"
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b}
`;

describe('suppression', () => {
  it('an annotation with a reason on the namespace suppresses, and the finding is kept', () => {
    const findings = scan(twoNamespaces);
    expect(findings.map((f) => [f.namespace, f.suppressed])).toEqual([
      ['tenant-a', true],
      ['tenant-b', false],
    ]);
    expect(findings[0]!.suppressionReason).toBe('Quota managed by the platform operator (annotation on Namespace tenant-a)');
  });

  it('an annotation on a cluster-scoped object (ClusterRoleBinding) suppresses its finding, which is kept', () => {
    const snapshot = snapshotFromYaml({
      manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mesh-editor}
rules: [{apiGroups: [networking.istio.io], resources: [serviceentries], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: platform-team
  annotations: {isolation-scanner.io/suppress: rbac-serviceentry-write-broad, isolation-scanner.io/suppress-reason: "Platform team owns shared egress (SEC-12)"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mesh-editor}
subjects: [{kind: Group, name: platform}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mesh-editor}
subjects: [{kind: Group, name: "system:authenticated"}]
`,
    });
    const findings = evaluateSnapshot(snapshot, defaultConfig({ now: NOW }), { rules: [rbacServiceEntryWriteBroad] });
    expect(findings.map((f) => [f.resource?.name, f.suppressed, f.suppressionReason])).toEqual([
      ['platform-team', true, 'Platform team owns shared egress (SEC-12) (annotation on ClusterRoleBinding platform-team)'],
      ['everyone', false, undefined],
    ]);
  });

  it('a configuration entry with ruleId "*" suppresses every rule in the matching namespaces only', () => {
    const findings = scan(twoNamespaces.replace(/ {2}annotations:[\s\S]*?operator"\n/, ''), [{ ruleId: '*', namespace: 'tenant-b', reason: 'Sandbox namespace' }]);
    expect(findings.map((f) => [f.namespace, f.suppressed])).toEqual([
      ['tenant-a', false],
      ['tenant-b', true],
    ]);
  });

  it('an annotation on the object at fault suppresses that object only', () => {
    const findings = scan(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: legacy
  namespace: tenant-a
  annotations: {isolation-scanner.io/suppress: destinationrule-tls-disabled, isolation-scanner.io/suppress-reason: "Legacy client, see SEC-9"}
spec: {host: legacy, trafficPolicy: {tls: {mode: DISABLE}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: other, namespace: tenant-a}
spec: {host: other, trafficPolicy: {tls: {mode: DISABLE}}}
`).filter((f) => f.ruleId === 'destinationrule-tls-disabled');
    expect(findings.map((f) => [f.resource?.name, f.suppressed])).toEqual([
      ['legacy', true],
      ['other', false],
    ]);
  });

  it('an annotation without a reason does not suppress and says why', () => {
    const findings = scan(`
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, annotations: {isolation-scanner.io/suppress: quota-serviceentry-missing}}
`);
    expect(findings[0]!.suppressed).toBe(false);
    expect(String(findings[0]!.evidence.suppressionIgnored)).toContain('has no isolation-scanner.io/suppress-reason');
  });

  it('a configuration entry suppresses by rule, namespace glob and resource glob', () => {
    const findings = scan('apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-b}\n', [
      { ruleId: 'quota-serviceentry-missing', namespace: 'tenant-*', resource: 'Namespace/tenant-b', reason: 'Accepted risk', expires: '2026-06-15' },
    ]);
    expect(findings.map((f) => [f.namespace, f.suppressed, f.suppressionReason])).toEqual([
      ['tenant-a', false, undefined],
      ['tenant-b', true, 'Accepted risk (configuration, until 2026-06-15)'],
    ]);
  });

  it('an expired configuration entry stops applying and says so', () => {
    const expired: ConfigSuppression = { ruleId: 'quota-serviceentry-missing', namespace: 'tenant-b', reason: 'Temporary', expires: '2026-06-14' };
    const findings = scan('apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-b}\n', [expired]);
    expect(findings[0]!.suppressed).toBe(false);
    expect(findings[0]!.evidence.suppressionExpired).toEqual([{ reason: 'Temporary', expires: '2026-06-14' }]);
    expect(expiredSuppressions(defaultConfig({ suppressions: [expired], now: NOW }))).toEqual([
      'suppression of quota-serviceentry-missing in tenant-b expired on 2026-06-14 and no longer applies (reason was: Temporary)',
    ]);
  });

  it('a date-only expiry lasts through that day (UTC)', () => {
    expect(expiryInstant('2026-06-15').toISOString()).toBe('2026-06-15T23:59:59.999Z');
    expect(expiryInstant('2026-06-15T08:00:00Z').toISOString()).toBe('2026-06-15T08:00:00.000Z');
  });
});

describe('object lookups of the engine and of annotation suppressions', () => {
  // The reference: every object of the snapshot keyed by kind/namespace/name, the later one of two winning.
  const indexObjects = (snapshot: ClusterSnapshot) => {
    const index = new Map<string, K8sObject>();
    for (const kind of Object.keys(snapshot.objects) as SnapshotKind[]) {
      for (const object of snapshot.objects[kind]) index.set(`${object.kind}/${object.metadata.namespace}/${object.metadata.name}`, object);
    }
    return index;
  };
  const objectOf = (index: Map<string, K8sObject>, ref: { kind: string; namespace: string; name: string }) => (ref.name ? index.get(`${ref.kind}/${ref.namespace}/${ref.name}`) : undefined);

  // Two objects share kind, namespace and name (two files): the later one is the one a finding points at.
  const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: dr
  namespace: tenant-a
  annotations: {isolation-scanner.io/suppress: destinationrule-tls-disabled, isolation-scanner.io/suppress-reason: first}
spec: {host: a.example.com}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr, namespace: tenant-a}
spec: {host: b.example.com}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: other
  namespace: tenant-a
  annotations: {isolation-scanner.io/suppress: destinationrule-tls-disabled, isolation-scanner.io/suppress-reason: other}
spec: {host: c.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: dr, namespace: tenant-a}
spec: {ports: [{port: 80}]}
`;
  const snapshot = snapshotFromYaml({ manifests });
  const refs = [
    { kind: 'DestinationRule', namespace: 'tenant-a', name: 'dr' },
    { kind: 'DestinationRule', namespace: 'tenant-a', name: 'other' },
    { kind: 'Service', namespace: 'tenant-a', name: 'dr' },
    { kind: 'Namespace', namespace: '', name: 'tenant-a' },
    { kind: 'DestinationRule', namespace: 'tenant-b', name: 'dr' },
    { kind: 'DestinationRule', namespace: 'tenant-a', name: '' },
  ];

  it('the lazy index finds what the full index finds, keying only the kinds asked for', () => {
    const full = indexObjects(snapshot);
    const lazy = new LazyObjectIndex(snapshot);
    expect(lazy.get({ kind: 'Namespace', namespace: '', name: 'tenant-a' })).toBe(objectOf(full, { kind: 'Namespace', namespace: '', name: 'tenant-a' }));
    expect(lazy.keyed).toBe(1);
    for (const ref of refs) expect(lazy.get(ref)).toBe(objectOf(full, ref));
    expect(lazy.get(undefined)).toBeUndefined();
    expect(lazy.get({ kind: 'DestinationRule', namespace: 'tenant-a', name: 'dr' })?.spec.host).toBe('b.example.com');
    expect(lazy.keyed).toBe(full.size);
  });

  it('annotation suppressions see the object a finding points at only when it carries the annotation', () => {
    const full = indexObjects(snapshot);
    const annotated = annotatedObjects(snapshot);
    for (const ref of refs) {
      const object = objectOf(full, ref);
      expect(annotated(ref)).toBe(object?.metadata.annotations[SUPPRESS_ANNOTATION] !== undefined ? object : undefined);
    }
    // The later, unannotated DestinationRule dr is the one at fault: the earlier one's annotation does not count.
    expect(annotated(refs[0])).toBeUndefined();
    expect(annotated(refs[1])?.metadata.name).toBe('other');
  });
});
