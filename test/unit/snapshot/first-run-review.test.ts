/** Manifest-reader regressions found while scanning a newcomer's own folders. */
import { describe, expect, it } from '@jest/globals';
import { parseManifestText, notTextReason } from '../../../src/snapshot/manifests.js';

const DOCS = [
  'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default}\nspec: {}\n',
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n',
  'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredExportTo\nmetadata: {name: se-exportto}\nspec: {}\n',
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n',
].join('---\n');

describe('namespaced manifests without metadata.namespace', () => {
  const byName = (namespace?: string) => Object.fromEntries(parseManifestText(DOCS, 'x.yaml', namespace ? { defaultNamespace: namespace } : {}).objects.map((o) => [o.kind, o.metadata.namespace]));

  it('land in "default", as kubectl apply without -n would put them', () => {
    expect(byName()).toEqual({ Sidecar: 'default', ClusterRole: '', K8sRequiredExportTo: '', Namespace: '' });
  });

  it('land in the namespace the caller names; cluster-scoped kinds stay cluster-scoped', () => {
    expect(byName('team-a')).toEqual({ Sidecar: 'team-a', ClusterRole: '', K8sRequiredExportTo: '', Namespace: '' });
  });
});

describe('notTextReason', () => {
  it('recognises binary files and UTF-16, and accepts UTF-8 with or without BOM', () => {
    expect(notTextReason(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]))).toBe('is a binary file, not YAML or JSON text');
    expect(notTextReason(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toBe('is UTF-16 text; save it as UTF-8');
    expect(notTextReason(Buffer.from([0xfe, 0xff, 0x00, 0x61]))).toBe('is UTF-16 text; save it as UTF-8');
    expect(notTextReason(Buffer.from('\ufeffkind: Namespace\n', 'utf8'))).toBeUndefined();
    expect(notTextReason(Buffer.from('kind: Namespace # ünïcödé\n', 'utf8'))).toBeUndefined();
  });
});
