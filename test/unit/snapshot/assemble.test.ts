import { describe, expect, it } from '@jest/globals';
import { meshRevisionProfileFromArm } from '../../../src/inventory/mesh-revision-profile.js';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { NEWEST_BEHAVIOUR } from '../../../src/snapshot/build.js';
import { parseManifestText } from '../../../src/snapshot/manifests.js';

function objects(yaml: string) {
  return parseManifestText(yaml, 'a.yaml').objects;
}

const cluster = { name: 'c1' };

describe('assembleSnapshot', () => {
  it('detects the AKS add-on from ARM, takes revisions and the version from it', () => {
    const snapshot = assembleSnapshot({
      cluster,
      source: 'manifests',
      objects: [],
      aksCluster: { properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-25', 'asm-1-24'] } } } },
    });
    expect(snapshot.meshMode).toBe('Istio');
    expect(snapshot.meshRevisions).toEqual(['asm-1-24', 'asm-1-25']);
    expect(snapshot.meshConfig.rootNamespace).toBe('aks-istio-system');
    expect(snapshot.istioVersion).toMatchObject({ major: 1, minor: 24 });
    expect(snapshot.istioVersion.source).toContain('aks-revision asm-1-24 (oldest of asm-1-24, asm-1-25)');
  });

  it('reads `az aks show` output (flattened properties) as well', () => {
    const snapshot = assembleSnapshot({ cluster, source: 'manifests', objects: [], aksCluster: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-23'] } } } });
    expect(snapshot.istioVersion).toMatchObject({ major: 1, minor: 23 });
  });

  it('takes the self-managed version from the istiod image', () => {
    const snapshot = assembleSnapshot({
      cluster,
      source: 'manifests',
      objects: objects(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system, labels: {istio.io/rev: default}}
spec:
  template:
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.22.3-distroless}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "{}"}
`),
    });
    expect(snapshot.meshMode).toBe('self-managed');
    expect(snapshot.istioVersion).toEqual({ major: 1, minor: 22, patch: 3, source: 'istiod image docker.io/istio/pilot:1.22.3-distroless' });
    expect(snapshot.meshRevisions).toEqual(['default']);
    expect(snapshot.meshConfig.rootNamespace).toBe('istio-system');
  });

  it('takes installed revisions (and the version) from running istiod Pods too, as istioctl analyze does', () => {
    const snapshot = assembleSnapshot({
      cluster,
      source: 'manifests',
      objects: objects(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "{}"}
---
apiVersion: v1
kind: Pod
metadata: {name: istiod-canary-1234567890-12345, namespace: istio-system, labels: {app: istiod, istio: pilot, istio.io/rev: canary}}
spec: {containers: [{name: discovery, image: docker.io/istio/pilot:1.26.1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: istiod-old-1-abcde, namespace: istio-system, labels: {app: istiod, istio.io/rev: old}}
status: {phase: Failed}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: tenant-a, labels: {app: istiod, istio.io/rev: not-a-control-plane}}
`),
    });
    expect(snapshot.meshRevisions).toEqual(['canary', 'default']);
    expect(snapshot.istioVersion).toMatchObject({ major: 1, minor: 26, patch: 1 });
  });

  it('prefers an explicit version, then derived, then the fallback, then the newest behaviour', () => {
    const explicit = { major: 1, minor: 20, source: '--istio-version' };
    expect(assembleSnapshot({ cluster, source: 'manifests', objects: [], istioVersion: explicit }).istioVersion).toBe(explicit);
    const fallback = { major: 1, minor: 26, source: 'scanner config' };
    expect(assembleSnapshot({ cluster, source: 'manifests', objects: [], fallbackIstioVersion: fallback }).istioVersion).toBe(fallback);
    expect(assembleSnapshot({ cluster, source: 'manifests', objects: [] }).istioVersion).toEqual(NEWEST_BEHAVIOUR);
  });

  it('sets invalid objects aside as input problems and infers undeclared namespaces', () => {
    const snapshot = assembleSnapshot({
      cluster,
      source: 'manifests',
      objects: objects(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: good, namespace: tenant-a}
spec: {hosts: [a.example.com]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: bad, namespace: tenant-b}
spec: {hosts: [b.example.com], exportTo: "*"}
`),
    });
    expect(snapshot.objects.ServiceEntry.map((o) => o.metadata.name)).toEqual(['good']);
    expect(snapshot.inputProblems).toHaveLength(1);
    expect(snapshot.inputProblems[0]).toMatchObject({ type: 'schema', resource: { name: 'bad', namespace: 'tenant-b' }, source: { file: 'a.yaml', line: 7 } }); // line 1 is the template's leading newline
    expect(snapshot.namespaces.get('tenant-a')?.inferred).toBe(true);
    expect(snapshot.meshMode).toBe('unknown');
  });

  it('declares namespaces first, then infers the others in the order objects first name them', () => {
    const snapshot = assembleSnapshot({
      cluster,
      source: 'manifests',
      objects: objects(`
apiVersion: v1
kind: Service
metadata: {name: s1, namespace: zeta}
---
apiVersion: v1
kind: Service
metadata: {name: s2, namespace: alpha}
---
apiVersion: v1
kind: Service
metadata: {name: s3, namespace: zeta}
---
apiVersion: v1
kind: Namespace
metadata: {name: mid}
---
apiVersion: v1
kind: Service
metadata: {name: s4, namespace: mid}
---
apiVersion: v1
kind: Service
metadata: {name: s5, namespace: beta}
`),
    });
    expect([...snapshot.namespaces.values()].map(({ name, inferred }) => `${name}${inferred ? ' (inferred)' : ''}`)).toEqual(['mid', 'zeta (inferred)', 'alpha (inferred)', 'beta (inferred)']);
    expect(snapshot.objects.Service.map((o) => o.metadata.name)).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });

  it('takes objects as validated only from the live collector (manifests need the admission checks)', () => {
    expect(() => assembleSnapshot({ cluster, source: 'manifests', objects: [], objectsValidated: true })).toThrow(/only live objects/);
  });

  it('marks a cluster without the add-on and without Istio as mesh mode none', () => {
    const snapshot = assembleSnapshot({ cluster, source: 'manifests', objects: [], aksCluster: { serviceMeshProfile: { mode: 'Disabled' } } });
    expect(snapshot.meshMode).toBe('none');
  });

  it('keeps only istiod ConfigMaps', () => {
    const snapshot = assembleSnapshot({
      cluster,
      source: 'manifests',
      objects: objects(`
apiVersion: v1
kind: ConfigMap
metadata: {name: app-settings, namespace: tenant-a}
data: {x: y}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-asm-1-25, namespace: aks-istio-system}
data: {mesh: "{}"}
`),
    });
    expect(snapshot.objects.ConfigMap.map((o) => o.metadata.name)).toEqual(['istio-asm-1-25']);
    expect(snapshot.meshMode).toBe('Istio');
    expect(snapshot.meshRevisions).toEqual(['asm-1-25']);
  });
});

describe('meshRevisionProfileFromArm', () => {
  it('maps properties.meshRevisions[] of the ARM GET body', () => {
    const profile = meshRevisionProfileFromArm({
      id: '/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/meshRevisionProfiles/istio',
      properties: { meshRevisions: [{ revision: 'asm-1-25', upgrades: ['asm-1-26'], compatibleWith: [{ name: 'kubernetes', versions: ['1.30', '1.31'] }] }] },
    });
    expect(profile).toEqual({ revisions: [{ revision: 'asm-1-25', upgrades: ['asm-1-26'], compatibleWith: [{ name: 'kubernetes', versions: ['1.30', '1.31'] }] }] });
  });

  it('rejects a body without meshRevisions', () => {
    expect(meshRevisionProfileFromArm({ properties: {} })).toBeUndefined();
  });
});
