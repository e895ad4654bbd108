/**
 * REPORTED BUG (issue 9 report, owner: offline loader / snapshot validation): Kubernetes only
 * admits DNS-1123 label namespace names, yet an offline manifest whose metadata.namespace is
 * ".", "*" or "~" is accepted as is. Those names are exportTo / Sidecar egress keywords, so the
 * object is then matched as if it were the importing namespace's own config: a Sidecar with
 * egress './*' in namespace `shared` imports a ServiceEntry "owned" by namespace "." that
 * exports itself to `shared`. Expected: the object is set aside with an InputProblem
 * (resource-invalid), like other schema errors. This test fails until that is fixed; it is
 * kept failing on purpose, not skipped (the lead decides).
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../src/config/types.js';
import { buildMeshModel } from '../../src/mesh/model.js';
import { parseManifestText } from '../../src/snapshot/manifests.js';
import { assembleSnapshot } from '../../src/snapshot/assemble.js';

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: shared}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shared}
spec:
  egress:
  - hosts: ["./*"]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: sneaky, namespace: "."}
spec:
  hosts: [api.example.com]
  exportTo: [shared]
`;

describe('[BUG -> snapshot owner] namespace names that are not DNS-1123 labels', () => {
  it('are reported as invalid input and never imported as "own namespace" config', () => {
    const loaded = parseManifestText(MANIFESTS, 'hostile.yaml');
    const snapshot = assembleSnapshot({ cluster: { name: 'hostile' }, source: 'manifests', objects: loaded.objects, inputProblems: loaded.problems });
    const model = buildMeshModel(snapshot, defaultConfig());

    expect(model.importGraph().importsOf('shared').owners).toEqual([]);
    expect(snapshot.inputProblems.some((problem) => problem.message.includes('sneaky'))).toBe(true);
  });
});
