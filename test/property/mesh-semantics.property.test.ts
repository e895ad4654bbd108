/**
 * Properties of the mesh semantics (src/mesh) over random meshes: the import graph must move
 * the right way when configuration is tightened, whatever the hosts, wildcards, exportTo
 * values, Sidecars and wrong-typed fields around it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../src/config/types.js';
import { workloadSelectorOf } from '../../src/mesh/accessors.js';
import { buildMeshModel, type MeshModel } from '../../src/mesh/model.js';
import { selectsEveryWorkload } from '../../src/mesh/sidecars.js';
import { assembleSnapshot } from '../../src/snapshot/assemble.js';
import { normalizeObject } from '../../src/snapshot/build.js';
import type { K8sObject } from '../../src/snapshot/types.js';
import { hostileManifest, namespaceName } from './arbitraries.js';

/**
 * DestinationRules are left out of the tightening property: in Istio, tightening the most
 * specific exported rule of a namespace can let a less specific one reach a client that the
 * first one hid (getExportedDestinationRuleFromNamespace filters exportTo after choosing the
 * most specific host; see test/unit/mesh/imports.test.ts and destination-rules.test.ts).
 */
const EXPORTABLE = new Set(['ServiceEntry', 'VirtualService']);
const isExportable = (manifest: Record<string, unknown>) => typeof manifest.kind === 'string' && EXPORTABLE.has(manifest.kind);

/**
 * Kubernetes only admits DNS-1123 namespace names; the semantic properties are about real
 * meshes, so odd names (which test/property/manifest-reader covers for crashes, and
 * hostile-namespace-names.test.ts for reporting) are mapped to a valid one here.
 */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
function withValidNamespace(manifest: Record<string, unknown>): Record<string, unknown> {
  const meta = manifest.metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return manifest;
  const namespace = (meta as Record<string, unknown>).namespace;
  if (typeof namespace !== 'string' || DNS_1123_LABEL.test(namespace)) return manifest;
  return { ...manifest, metadata: { ...meta, namespace: 'tenant-c' } };
}

function modelOf(manifests: Record<string, unknown>[]): MeshModel {
  const objects: K8sObject[] = manifests.flatMap((manifest) => {
    const normalized = normalizeObject(structuredClone(withValidNamespace(manifest)));
    return 'object' in normalized ? [normalized.object] : [];
  });
  return buildMeshModel(assembleSnapshot({ cluster: { name: 'prop' }, source: 'manifests', objects }), defaultConfig());
}

/** Namespace -> foreign owners imported by any of its scopes, and the imported object count. */
function importsByNamespace(model: MeshModel): Map<string, { owners: Set<string>; objects: number }> {
  const graph = model.importGraph();
  const result = new Map<string, { owners: Set<string>; objects: number }>();
  for (const namespace of model.snapshot.namespaces.keys()) {
    const imports = graph.importsOf(namespace);
    result.set(namespace, { owners: new Set(imports.owners), objects: imports.scopes.reduce((sum, scope) => sum + scope.objectCount, 0) });
  }
  return result;
}

const meshWithTarget = fc
  .tuple(fc.array(hostileManifest, { minLength: 1, maxLength: 30 }), fc.nat())
  .filter(([manifests]) => manifests.some((manifest) => isExportable(manifest)));

describe('mesh semantics properties', () => {
  it("adding exportTo: ['.'] to an object never increases any namespace's imports", () => {
    fc.assert(
      fc.property(meshWithTarget, ([manifests, pick]) => {
        const candidates = manifests.map((manifest, index) => ({ manifest, index })).filter(({ manifest }) => isExportable(manifest));
        const { index } = candidates[pick % candidates.length]!;
        const tightened = manifests.map((manifest, i) => {
          if (i !== index) return manifest;
          const spec = typeof manifest.spec === 'object' && manifest.spec !== null && !Array.isArray(manifest.spec) ? manifest.spec : {};
          return { ...manifest, spec: { ...spec, exportTo: ['.'] } };
        });
        const before = importsByNamespace(modelOf(manifests));
        const after = importsByNamespace(modelOf(tightened));
        for (const [namespace, imports] of after) {
          // A namespace can only appear when the tightened object was invalid before (now valid): not an import increase.
          const previous = before.get(namespace);
          if (!previous) continue;
          for (const owner of imports.owners) expect(previous.owners.has(owner)).toBe(true);
          expect(imports.objects).toBeLessThanOrEqual(previous.objects);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a namespace-wide Sidecar with egress './*' leaves its namespace no foreign import", () => {
    fc.assert(
      fc.property(fc.array(hostileManifest, { maxLength: 30 }), namespaceName.filter((name) => DNS_1123_LABEL.test(name)), (rawManifests, namespace) => {
        const manifests = rawManifests.map(withValidNamespace);
        // Other Sidecars for every workload of that namespace (selector-less, or with a label-less
        // workloadSelector, which Istio even prefers) would make the default ambiguous: keep ours the only one.
        const others = manifests.filter((manifest) => {
          if (manifest.kind !== 'Sidecar') return true;
          const meta = manifest.metadata as Record<string, unknown> | undefined;
          if (meta?.namespace !== namespace) return true;
          const normalized = normalizeObject(structuredClone(manifest));
          if (!('object' in normalized)) return true;
          const selector = workloadSelectorOf(normalized.object);
          return selector !== undefined && !selectsEveryWorkload(normalized.object);
        });
        const ours = { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace }, spec: { egress: [{ hosts: ['./*'] }] } };
        const model = modelOf([...others, ours]);
        // Ambient namespaces ignore Sidecars (rules.md), so the property is about sidecar-mode namespaces.
        fc.pre(model.snapshot.namespaces.get(namespace)?.labels['istio.io/dataplane-mode'] !== 'ambient');
        const scopes = model.importGraph().importsOf(namespace).scopes.filter((entry) => entry.scope.kind === 'namespace');
        expect(scopes).toHaveLength(1);
        expect(scopes[0]!.scope.sidecar?.metadata.name).toBe('default');
        expect(scopes[0]!.owners).toEqual([]);
        expect(scopes[0]!.objectCount).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('the exportTo property can fail: exporting an object to "*" does add imports somewhere', () => {
    // Guard against a vacuous property: widening must be visible to the same measurement.
    const se = (namespace: string, exportTo?: string[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'api', namespace }, spec: { hosts: ['api.example.com'], ...(exportTo ? { exportTo } : {}) } });
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const narrow = importsByNamespace(modelOf([ns('tenant-a'), ns('tenant-b'), se('tenant-a', ['.'])]));
    const wide = importsByNamespace(modelOf([ns('tenant-a'), ns('tenant-b'), se('tenant-a', ['*'])]));
    expect(narrow.get('tenant-b')!.owners.size).toBe(0);
    expect([...wide.get('tenant-b')!.owners]).toEqual(['tenant-a']);
  });
});
