import { describe, expect, it } from '@jest/globals';
import { parseManifestText } from '../../../src/snapshot/manifests.js';
import { compareRevisions, resolveMeshConfig } from '../../../src/snapshot/mesh-config.js';

function configMaps(yaml: string) {
  const { objects, problems } = parseManifestText(yaml, 'cm.yaml');
  if (problems.length) throw new Error(problems[0]?.message);
  return objects;
}

const aksMaps = configMaps(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-asm-1-25, namespace: aks-istio-system}
data:
  mesh: |
    defaultServiceExportTo: ["*"]
    trustDomain: cluster.local
    rootNamespace: aks-istio-system
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-shared-configmap-asm-1-25, namespace: aks-istio-system}
data:
  mesh: |
    defaultServiceExportTo: ["."]
    defaultVirtualServiceExportTo: ["."]
    outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`);

describe('resolveMeshConfig', () => {
  it('merges the AKS shared ConfigMap under the add-on ConfigMap, which wins per top-level field', () => {
    const { meshConfig, controlPlaneNamespace, aksAddon, configMapRevisions } = resolveMeshConfig({ configMaps: aksMaps, aksAddon: false });
    expect(aksAddon).toBe(true);
    expect(controlPlaneNamespace).toBe('aks-istio-system');
    expect(configMapRevisions).toEqual(['asm-1-25']);
    expect(meshConfig.rootNamespace).toBe('aks-istio-system');
    expect(meshConfig.defaultServiceExportTo).toEqual(['*']);
    expect(meshConfig.defaultVirtualServiceExportTo).toEqual(['.']);
    expect(meshConfig.outboundTrafficPolicyMode).toBe('REGISTRY_ONLY');
    expect(meshConfig.fieldSources).toMatchObject({
      defaultServiceExportTo: 'configmap:aks-istio-system/istio-asm-1-25',
      defaultVirtualServiceExportTo: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25',
      outboundTrafficPolicyMode: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25',
      trustDomain: 'configmap:aks-istio-system/istio-asm-1-25',
    });
    expect(meshConfig.defaultDestinationRuleExportTo).toBeUndefined();
  });

  it('lets --mesh-config override ConfigMap fields and records "file"', () => {
    const { meshConfig } = resolveMeshConfig({ configMaps: aksMaps, aksAddon: true, meshConfigDocument: { defaultServiceExportTo: ['~'] } });
    expect(meshConfig.defaultServiceExportTo).toEqual(['~']);
    expect(meshConfig.fieldSources.defaultServiceExportTo).toBe('file');
    expect(meshConfig.defaultVirtualServiceExportTo).toEqual(['.']);
  });

  it('reads upstream ConfigMap istio in istio-system; rootNamespace defaults to that namespace', () => {
    const { meshConfig, controlPlaneNamespace, aksAddon, configMapRevisions } = resolveMeshConfig({
      aksAddon: false,
      configMaps: configMaps(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "defaultDestinationRuleExportTo: [tenant-a]"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-ca-root-cert, namespace: istio-system}
data: {root-cert.pem: "-----BEGIN CERTIFICATE-----"}
`),
    });
    expect(aksAddon).toBe(false);
    expect(controlPlaneNamespace).toBe('istio-system');
    expect(configMapRevisions).toEqual(['default']);
    expect(meshConfig.rootNamespace).toBe('istio-system');
    expect(meshConfig.fieldSources.rootNamespace).toBe('default');
    expect(meshConfig.defaultDestinationRuleExportTo).toEqual(['tenant-a']);
  });

  it('honours meshConfig.rootNamespace and a control plane outside istio-system', () => {
    const { meshConfig, controlPlaneNamespace } = resolveMeshConfig({
      aksAddon: false,
      configMaps: configMaps(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-1-24-2, namespace: mesh-control}
data: {mesh: "rootNamespace: mesh-root"}
`),
    });
    expect(controlPlaneNamespace).toBe('mesh-control');
    expect(meshConfig.rootNamespace).toBe('mesh-root');
  });

  it('uses aks-istio-system when ARM says the add-on is on, even without ConfigMaps', () => {
    const { meshConfig, controlPlaneNamespace } = resolveMeshConfig({ configMaps: [], aksAddon: true });
    expect(controlPlaneNamespace).toBe('aks-istio-system');
    expect(meshConfig.rootNamespace).toBe('aks-istio-system');
    expect(meshConfig.fieldSources).toEqual({ rootNamespace: 'default' });
  });

  it('uses the newest revision during a canary upgrade', () => {
    const maps = configMaps(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-asm-1-9, namespace: aks-istio-system}
data: {mesh: "defaultServiceExportTo: ['*']"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-asm-1-25, namespace: aks-istio-system}
data: {mesh: "defaultServiceExportTo: ['.']"}
`);
    const resolution = resolveMeshConfig({ configMaps: maps, aksAddon: true });
    expect(resolution.revisionUsed).toBe('asm-1-25');
    expect(resolution.meshConfig.defaultServiceExportTo).toEqual(['.']);
  });

  it('reports unparsable mesh text and wrongly typed fields as problems, never throws', () => {
    const resolution = resolveMeshConfig({
      aksAddon: false,
      configMaps: configMaps(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "defaultServiceExportTo: ."}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-canary, namespace: istio-system}
data: {mesh: "a: [unclosed"}
`),
    });
    expect(resolution.meshConfig.defaultServiceExportTo).toBeUndefined();
    expect(resolution.problems.map((p) => p.message).join('\n')).toContain('defaultServiceExportTo from configmap:istio-system/istio must be a list of strings');
  });

  it('orders revisions numerically', () => {
    expect(['asm-1-25', 'asm-1-9', 'asm-1-24'].sort(compareRevisions)).toEqual(['asm-1-9', 'asm-1-24', 'asm-1-25']);
  });
});
