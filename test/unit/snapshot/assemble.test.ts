import { describe, expect, it } from '@jest/globals';
import { meshRevisionProfileFromArm } from '../../../src/inventory/mesh-revision-profile.js';
import fc from 'fast-check';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { buildSnapshot, NEWEST_BEHAVIOUR, normalizeObject, runsOfOneKind } from '../../../src/snapshot/build.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
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

  it('gives the same snapshot for objects given as runs of one kind (the live collector) as for the same objects in one list', () => {
    const raws: Array<Record<string, unknown>> = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's1', namespace: 'team-b' }, spec: {} },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's2', namespace: 'team-a' }, spec: {} },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod-asm-1-25', namespace: 'istio-system', labels: { 'istio.io/rev': 'asm-1-25' } }, spec: { template: { spec: { containers: [{ name: 'discovery', image: 'mcr.microsoft.com/oss/istio/pilot:1.25.2' }] } } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-x', namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': 'asm-1-24' } }, spec: { containers: [] }, status: { phase: 'Running' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se', namespace: 'team-c' }, spec: { hosts: ['a.example.com'] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se-bad', namespace: 'team-d' }, spec: { hosts: 'a.example.com' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'team-a' }, data: { x: 'y' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-asm-1-25', namespace: 'istio-system' }, data: { mesh: 'rootNamespace: istio-system' } },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-revision-tag-default', labels: { 'istio.io/tag': 'default', 'istio.io/rev': 'asm-1-25' } }, webhooks: [] },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'other' }, webhooks: [] },
    ];
    const normalized = () =>
      raws.map((raw) => {
        const result = normalizeObject(structuredClone(raw));
        if (!('object' in result)) throw new Error('fixture is not an object');
        return result.object;
      });
    const comparable = (snapshot: ReturnType<typeof assembleSnapshot>) => ({ ...snapshot, namespaces: [...snapshot.namespaces.entries()] });
    for (const source of ['live', 'manifests'] as const) {
      const fromList = assembleSnapshot({ cluster, source, objects: normalized() });
      const runs = runsOfOneKind(normalized());
      const fromRuns = assembleSnapshot({ cluster, source, objects: [], objectRuns: runs });
      expect(comparable(fromRuns)).toEqual(comparable(fromList));
      expect(fromRuns.objects.ConfigMap.map((o) => o.metadata.name)).toEqual(['istio-asm-1-25']);
      expect(fromRuns.meshRevisions).toEqual(['asm-1-24', 'asm-1-25']);
      // The snapshot's lists are its own, not the caller's runs.
      for (const run of runs) expect(Object.values(fromRuns.objects)).not.toContain(run);
    }
    expect(() => assembleSnapshot({ cluster, source: 'live', objects: normalized(), objectRuns: [normalized()] })).toThrow(/not both/);
  });

  it('files interleaved kinds (manifests: thousands of runs of one or two objects) copying each object a bounded number of times', () => {
    const kinds = ['Service', 'ServiceEntry', 'Namespace'] as const;
    const objects: K8sObject[] = Array.from({ length: 6000 }, (_, index) => {
      const kind = kinds[index % 3]!;
      return { apiVersion: 'v1', kind, snapshotKind: kind, metadata: { name: `o${index}`, namespace: kind === 'Namespace' ? '' : `ns-${index % 50}`, labels: {}, annotations: {} }, spec: {}, body: {} };
    });
    // Elements copied by slice and concat while the snapshot is built: filing by appending to one
    // array per kind copies each object about twice (its run, its kind's list); concatenating the
    // kind's list with every run would copy millions.
    let copied = 0;
    const { slice, concat } = Array.prototype;
    Array.prototype.slice = function (this: unknown[], ...args: Parameters<typeof slice>) {
      const result = slice.apply(this, args);
      copied += result.length;
      return result;
    };
    Array.prototype.concat = function (this: unknown[], ...args: unknown[]) {
      const result = concat.apply(this, args as never);
      copied += result.length;
      return result;
    } as typeof concat;
    let snapshot: ReturnType<typeof buildSnapshot>;
    try {
      snapshot = buildSnapshot({ cluster, source: 'manifests', objects });
    } finally {
      Array.prototype.slice = slice;
      Array.prototype.concat = concat;
    }
    expect(snapshot.objects.Service).toHaveLength(2000);
    expect(snapshot.objects.Namespace.map((o) => o.metadata.name).slice(0, 2)).toEqual(['o2', 'o5']);
    expect(copied).toBeLessThanOrEqual(3 * objects.length);
  });

  it('runsOfOneKind cuts a list into runs of consecutive objects of one kind, in order', () => {
    const kinds = ['Service', 'Namespace', 'ServiceEntry'] as const;
    const make = (kind: (typeof kinds)[number], index: number): K8sObject => ({ apiVersion: 'v1', kind, snapshotKind: kind, metadata: { name: `o${index}`, namespace: '', labels: {}, annotations: {} }, spec: {}, body: {} });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...kinds), { maxLength: 30 }), (sequence) => {
        const objects = sequence.map(make);
        const runs = runsOfOneKind(objects);
        expect(runs.flat()).toEqual(objects);
        for (const run of runs) {
          expect(run.length).toBeGreaterThan(0);
          expect(new Set(run.map((o) => o.snapshotKind)).size).toBe(1);
        }
        for (let index = 1; index < runs.length; index++) expect(runs[index]![0]!.snapshotKind).not.toBe(runs[index - 1]![0]!.snapshotKind);
      }),
    );
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
