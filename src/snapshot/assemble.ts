import { buildSnapshot, NEWEST_BEHAVIOUR, type BuildSnapshotInput } from './build.js';
import { compareRevisions, resolveMeshConfig } from './mesh-config.js';
import { isRevisionTagWebhook } from './revision-tags.js';
import type { ClusterSnapshot, InputProblem, IstioVersion, K8sObject, MeshRevisionProfile } from './types.js';
import { partitionValidObjects } from './validate.js';
import { isRecord } from '../records.js';

/**
 * The one place a ClusterSnapshot is put together, whatever the source (offline files,
 * live API server, demo fleet, fleet scan): sets aside invalid objects (schema or negative
 * status, reported as resource-invalid), resolves the mesh config from the ConfigMaps
 * among `objects` (or `meshConfigDocument`), the root namespace, the Istio version,
 * revisions and mesh mode.
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
  /** ARM ManagedCluster JSON (`az aks show -o json` or the ARM GET body). */
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: MeshRevisionProfile;
  /** Explicit version (`--istio-version`), else derived. */
  istioVersion?: IstioVersion;
  /** Used when nothing in the snapshot tells the version (scanner config `istioVersion`). */
  fallbackIstioVersion?: IstioVersion;
}

/**
 * `az aks show -o json` flattens ARM `properties` into the top level; the ARM GET body keeps
 * them under `properties`. Reads a property from either shape.
 */
export function aksProperty(aksCluster: Record<string, unknown> | undefined, name: string): unknown {
  if (!aksCluster) return undefined;
  if (isRecord(aksCluster.properties) && name in aksCluster.properties) return aksCluster.properties[name];
  return aksCluster[name];
}

export function aksMeshProfile(aksCluster: Record<string, unknown> | undefined): { mode?: string; revisions: string[] } {
  const profile = aksProperty(aksCluster, 'serviceMeshProfile');
  if (!isRecord(profile)) return { revisions: [] };
  const istio = isRecord(profile.istio) ? profile.istio : {};
  const revisions = Array.isArray(istio.revisions) ? istio.revisions.filter((r): r is string => typeof r === 'string') : [];
  return { mode: typeof profile.mode === 'string' ? profile.mode : undefined, revisions };
}

/** "1.24", "1.24.3", "v1.24.3" -> IstioVersion, or undefined. */
export function parseIstioVersion(text: string, source: string): IstioVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: match[3] === undefined ? undefined : Number(match[3]), source };
}

/** AKS revision asm-1-NN is Istio 1.NN (rules.md "Istio version"). */
export function versionOfAksRevision(revision: string): IstioVersion | undefined {
  const match = /^asm-(\d+)-(\d+)$/.exec(revision);
  return match ? { major: Number(match[1]), minor: Number(match[2]), source: `aks-revision ${revision}` } : undefined;
}

/** Self-managed revision names are often the version with dashes: 1-24-2 -> 1.24.2. */
function versionOfRevisionName(revision: string): IstioVersion | undefined {
  const match = /^(\d+)-(\d+)(?:-(\d+))?$/.exec(revision);
  return match ? parseIstioVersion(`${match[1]}.${match[2]}${match[3] ? `.${match[3]}` : ''}`, `istio.io/rev ${revision}`) : undefined;
}

/** Version from an istiod Deployment's image tag (e.g. docker.io/istio/pilot:1.24.2-distroless). */
function istiodImageVersion(deployments: K8sObject[], controlPlaneNamespace: string): IstioVersion | undefined {
  for (const deployment of deployments) {
    if (deployment.metadata.namespace !== controlPlaneNamespace || !deployment.metadata.name.startsWith('istiod')) continue;
    const template = isRecord(deployment.spec.template) ? deployment.spec.template : {};
    const podSpec = isRecord(template.spec) ? template.spec : {};
    const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
    for (const container of containers) {
      const image = isRecord(container) && typeof container.image === 'string' ? container.image : '';
      const tag = image.includes('/pilot:') || image.startsWith('pilot:') ? image.slice(image.lastIndexOf(':') + 1) : '';
      const version = tag ? parseIstioVersion(tag, `istiod image ${image}`) : undefined;
      if (version) return version;
    }
  }
  return undefined;
}

function istiodRevisions(deployments: K8sObject[], controlPlaneNamespace: string): string[] {
  return deployments
    .filter((d) => d.metadata.namespace === controlPlaneNamespace && d.metadata.name.startsWith('istiod'))
    .map((d) => d.metadata.labels['istio.io/rev'] ?? 'default');
}

/** Kinds that only exist with Istio installed (their presence implies some Istio). */
const ISTIO_KINDS = ['ServiceEntry', 'Sidecar', 'VirtualService', 'DestinationRule', 'Gateway', 'PeerAuthentication', 'AuthorizationPolicy'] as const;

export function assembleSnapshot(input: AssembleInput): ClusterSnapshot {
  const { valid, problems: invalidObjectProblems } = partitionValidObjects(input.objects);
  const armMesh = aksMeshProfile(input.aksCluster);
  const armAddon = armMesh.mode === 'Istio';
  const configMaps = valid.filter((object) => object.snapshotKind === 'ConfigMap');
  const resolution = resolveMeshConfig({ configMaps, meshConfigDocument: input.meshConfigDocument, aksAddon: armAddon, armRevisions: armMesh.revisions });
  const deployments = valid.filter((object) => object.snapshotKind === 'Deployment');

  // Installed revisions: ARM is authoritative for the add-on; else the mesh ConfigMaps and istiod Deployments.
  const meshRevisions = armAddon && armMesh.revisions.length > 0
    ? [...armMesh.revisions].sort(compareRevisions)
    : [...new Set([...resolution.configMapRevisions, ...istiodRevisions(deployments, resolution.controlPlaneNamespace)])].sort(compareRevisions);

  const hasIstioObjects = valid.some((object) => (ISTIO_KINDS as readonly string[]).includes(object.snapshotKind));
  const selfManagedSigns = !resolution.aksAddon && (resolution.configMapRevisions.length > 0 || istiodRevisions(deployments, resolution.controlPlaneNamespace).length > 0);
  let meshMode: ClusterSnapshot['meshMode'];
  if (resolution.aksAddon) meshMode = 'Istio';
  else if (selfManagedSigns || (input.aksCluster && hasIstioObjects)) meshMode = 'self-managed';
  else if (input.aksCluster) meshMode = 'none';
  else meshMode = 'unknown';

  const istioVersion = input.istioVersion ?? deriveIstioVersion(meshMode, meshRevisions, deployments, resolution.controlPlaneNamespace) ?? input.fallbackIstioVersion ?? NEWEST_BEHAVIOUR;

  // Only istiod's ConfigMaps matter to the rules; other ConfigMaps (application data) are dropped early.
  // Likewise only revision-tag webhooks (the live LIST selects them by label; offline input is
  // filtered here, so both sources hold the same objects). buildSnapshot maps them to meshRevisionTags.
  const objects = valid.filter((object) => {
    if (object.snapshotKind === 'ConfigMap') return object.metadata.name === 'istio' || object.metadata.name.startsWith('istio-');
    if (object.snapshotKind === 'MutatingWebhookConfiguration') return isRevisionTagWebhook(object);
    return true;
  });

  const snapshot = buildSnapshot({
    cluster: input.cluster,
    source: input.source,
    objects,
    meshConfig: resolution.meshConfig,
    inputProblems: [...(input.inputProblems ?? []), ...invalidObjectProblems, ...resolution.problems],
    coverage: input.coverage,
    apiRequests: input.apiRequests,
    aksCluster: input.aksCluster,
    istioVersion,
    meshRevisions,
    meshMode,
  });
  snapshot.meshRevisionProfile = input.meshRevisionProfile;
  return snapshot;
}

/**
 * The version version-dependent rules assume. With several revisions installed (canary
 * upgrade) the oldest is taken: its proxies still behave the old way, so findings stay
 * true for every namespace.
 */
function deriveIstioVersion(meshMode: ClusterSnapshot['meshMode'], revisions: string[], deployments: K8sObject[], controlPlaneNamespace: string): IstioVersion | undefined {
  if (meshMode === 'Istio') {
    const versions = revisions.map(versionOfAksRevision).filter((v): v is IstioVersion => v !== undefined);
    const oldest = versions[0];
    if (oldest && versions.length > 1) oldest.source = `${oldest.source} (oldest of ${revisions.join(', ')})`;
    if (oldest) return oldest;
  }
  return istiodImageVersion(deployments, controlPlaneNamespace) ?? revisions.map(versionOfRevisionName).find((v) => v !== undefined);
}
