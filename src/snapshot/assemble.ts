import { buildSnapshot, type BuildSnapshotInput } from './build.js';
import type { ClusterSnapshot, InputProblem, IstioVersion, K8sObject, MeshRevisionProfile } from './types.js';

/**
 * The one place a ClusterSnapshot is put together, whatever the source (offline files,
 * live API server, demo fleet): resolves the mesh config from the ConfigMaps among
 * `objects` (or `meshConfigDocument`), the Istio version, revisions and mesh mode.
 * (Stub to be completed in issue 2: mesh-config resolution.)
 */
export interface AssembleInput {
  cluster: BuildSnapshotInput['cluster'];
  source: ClusterSnapshot['source'];
  objects: K8sObject[];
  inputProblems?: InputProblem[];
  coverage?: ClusterSnapshot['coverage'];
  apiRequests?: number;
  /** Parsed `--mesh-config FILE` (MeshConfig document), overrides ConfigMaps. */
  meshConfigDocument?: Record<string, unknown>;
  /** ARM ManagedCluster JSON. */
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: MeshRevisionProfile;
  /** Explicit version (`--istio-version`), else derived. */
  istioVersion?: IstioVersion;
}

export function assembleSnapshot(input: AssembleInput): ClusterSnapshot {
  const snapshot = buildSnapshot({
    cluster: input.cluster,
    source: input.source,
    objects: input.objects,
    inputProblems: input.inputProblems,
    coverage: input.coverage,
    apiRequests: input.apiRequests,
    aksCluster: input.aksCluster,
    istioVersion: input.istioVersion,
  });
  snapshot.meshRevisionProfile = input.meshRevisionProfile;
  return snapshot;
}
