import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputFileError, loadDemoFleet, readMeshConfigFile, readMeshRevisionProfileFile, snapshotFromManifests } from '../../../src/snapshot/offline.js';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'iis-offline-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('offline sources', () => {
  it('loads every demo cluster with its ARM side files and mesh config', () => {
    const fleet = loadDemoFleet();
    expect(fleet.map(({ snapshot }) => snapshot.cluster.name)).toEqual(['aks-compliant', 'aks-contaminated', 'aks-shared-ingress', 'self-managed-istio']);
    const [compliant, contaminated, sharedIngress, selfManaged] = fleet.map(({ snapshot }) => snapshot);
    expect(compliant!.source).toBe('demo');
    expect(compliant!.meshMode).toBe('Istio');
    expect(compliant!.meshConfig.rootNamespace).toBe('aks-istio-system');
    expect(compliant!.meshConfig.defaultServiceExportTo).toEqual(['.']);
    expect(compliant!.meshConfig.fieldSources.defaultServiceExportTo).toBe('configmap:aks-istio-system/istio-shared-configmap-asm-1-25');
    expect(compliant!.istioVersion).toMatchObject({ major: 1, minor: 25 });
    expect(compliant!.meshRevisionProfile?.revisions.map((r) => r.revision)).toEqual(['asm-1-24', 'asm-1-25', 'asm-1-26']);
    expect(compliant!.inputProblems).toEqual([]);
    expect(contaminated!.meshRevisions).toEqual(['asm-1-22']);
    expect(contaminated!.inputProblems.map((p) => p.resource?.name)).toEqual(['metrics-sink']);
    expect(contaminated!.cluster).toMatchObject({ subscriptionId: '00000000-0000-0000-0000-000000000002', resourceGroup: 'rg-shared-dev', location: 'westeurope' });
    expect(sharedIngress!.objects.KubernetesGateway.map((gateway) => gateway.metadata.name)).toEqual(['api']);
    expect(sharedIngress!.objects.HTTPRoute).toHaveLength(6);
    expect(sharedIngress!.inputProblems).toEqual([]);
    expect(selfManaged!.meshMode).toBe('self-managed');
    expect(selfManaged!.meshConfig.rootNamespace).toBe('istio-system');
    expect(selfManaged!.istioVersion).toMatchObject({ major: 1, minor: 26, patch: 2 });
  });

  it('marks kinds with objects read and the others not collected', () => {
    const { snapshot } = loadDemoFleet()[0]!;
    expect(snapshot.coverage.Sidecar).toEqual({ status: 'read', objects: 3 });
    expect(snapshot.coverage.Pod).toEqual({ status: 'not-collected' });
  });

  it('names a manifest cluster after the folder, and says when nothing could be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-empty-'));
    const result = snapshotFromManifests([dir]);
    expect(result.anythingRead).toBe(false);
    expect(result.snapshot.cluster.name).toMatch(/^iis-empty-/);
  });

  it('reads --mesh-config as a MeshConfig document or as a ConfigMap', () => {
    expect(readMeshConfigFile(tempFile('mesh.yaml', 'defaultServiceExportTo: ["."]\n'))).toEqual({ defaultServiceExportTo: ['.'] });
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n    rootNamespace: mesh-root\n';
    expect(readMeshConfigFile(tempFile('cm.yaml', configMap))).toEqual({ rootNamespace: 'mesh-root' });
    expect(() => readMeshConfigFile(tempFile('list.yaml', '- a\n- b\n'))).toThrow(InputFileError);
    expect(() => readMeshConfigFile('/no/such/file.yaml')).toThrow(/cannot read mesh config \/no\/such\/file.yaml: no such file or directory \(ENOENT\)/);
  });

  it('rejects a mesh revision profile without meshRevisions', () => {
    expect(() => readMeshRevisionProfileFile(tempFile('p.json', '{"properties": {}}'))).toThrow(/properties.meshRevisions/);
  });
});
