import { buildSnapshot, NEWEST_BEHAVIOUR, runsOfOneKind, type BuildSnapshotInput } from './build.js';
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
  /**
   * The objects as runs of one kind (runsOfOneKind), in order: given instead of `objects` (then
   * empty) by the live collector, whose listings are such runs.
   */
  objectRuns?: K8sObject[][];
  /**
   * Live source only: the objects were already checked as partitionValidObjects checks an admitted
   * source (admittedObjectProblem), those set aside are not among them and their problems end
   * `inputProblems`, in object order. The live collector checks each object as its page arrives.
   */
  objectsValidated?: boolean;
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

/**
 * istiod workloads of the control-plane namespace among `workloads` (Deployments and Pods):
 * Deployments named istiod*, and Pods labelled `app: istiod` (or named istiod*) that are not
 * finished. A Pod proves a revision is installed even when Deployments were not read (istioctl
 * analyze reads the same Pods).
 */
function istiodWorkloads(workloads: K8sObject[], controlPlaneNamespace: string): K8sObject[] {
  return workloads.filter((object) => {
    if (object.metadata.namespace !== controlPlaneNamespace) return false;
    if (object.snapshotKind === 'Deployment') return object.metadata.name.startsWith('istiod');
    if (object.snapshotKind !== 'Pod') return false;
    const phase = isRecord(object.status) ? object.status.phase : undefined;
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    return object.metadata.labels.app === 'istiod' || object.metadata.name.startsWith('istiod');
  });
}

/** Containers of a Deployment's pod template or of a Pod. */
function containersOf(workload: K8sObject): unknown[] {
  const template = workload.snapshotKind === 'Pod' ? { spec: workload.spec } : isRecord(workload.spec.template) ? workload.spec.template : {};
  const podSpec = isRecord(template.spec) ? template.spec : {};
  return Array.isArray(podSpec.containers) ? podSpec.containers : [];
}

/** Version from an istiod image tag (e.g. docker.io/istio/pilot:1.24.2-distroless), Deployments first. */
function istiodImageVersion(istiods: K8sObject[]): IstioVersion | undefined {
  const ordered = [...istiods.filter((w) => w.snapshotKind === 'Deployment'), ...istiods.filter((w) => w.snapshotKind === 'Pod')];
  for (const workload of ordered) {
    for (const container of containersOf(workload)) {
      const image = isRecord(container) && typeof container.image === 'string' ? container.image : '';
      const tag = image.includes('/pilot:') || image.startsWith('pilot:') ? image.slice(image.lastIndexOf(':') + 1) : '';
      const version = tag ? parseIstioVersion(tag, `istiod image ${image}`) : undefined;
      if (version) return version;
    }
  }
  return undefined;
}

function istiodRevisions(istiods: K8sObject[]): string[] {
  return [...new Set(istiods.map((workload) => workload.metadata.labels['istio.io/rev'] ?? 'default'))];
}

/** Kinds that only exist with Istio installed (their presence implies some Istio). */
const ISTIO_KINDS: ReadonlySet<string> = new Set(['ServiceEntry', 'Sidecar', 'VirtualService', 'DestinationRule', 'Gateway', 'PeerAuthentication', 'AuthorizationPolicy']);

export function assembleSnapshot(input: AssembleInput): ClusterSnapshot {
  if (input.objectsValidated && input.source !== 'live') throw new Error('assembleSnapshot: only live objects come validated (manifests need the admission checks)');
  if (input.objectRuns && input.objects.length > 0) throw new Error('assembleSnapshot: objects or objectRuns, not both');
  // Manifests have not been through the API server: apply its validation (and Istio's webhook) here.
  let validRuns: K8sObject[][];
  let invalidObjectProblems: InputProblem[] = [];
  if (input.objectsValidated) validRuns = input.objectRuns ?? runsOfOneKind(input.objects);
  else {
    const partition = partitionValidObjects(input.objectRuns ? input.objectRuns.flat() : input.objects, { admission: input.source !== 'live' });
    validRuns = runsOfOneKind(partition.valid);
    invalidObjectProblems = partition.problems;
  }
  const armMesh = aksMeshProfile(input.aksCluster);
  const armAddon = armMesh.mode === 'Istio';

  // One look at each run of one kind (39,000 objects in 13 runs in the large benchmark fleet) for
  // what the steps below need:
  // - the ConfigMaps the mesh config is resolved from;
  // - Deployments and Pods, among which the istiod workloads are;
  // - whether there is any Istio object;
  // - the objects the snapshot keeps: only istiod's ConfigMaps matter to the rules, other ConfigMaps
  //   (application data) are dropped early; likewise only revision-tag webhooks (the live LIST
  //   selects them by label; offline input is filtered here, so both sources hold the same
  //   objects). buildSnapshot maps them to meshRevisionTags.
  const configMaps: K8sObject[] = [];
  const workloads: K8sObject[] = [];
  const keptRuns: K8sObject[][] = [];
  let hasIstioObjects = false;
  for (const run of validRuns) {
    const kind = run[0]?.snapshotKind;
    if (kind === undefined) continue;
    if (kind === 'ConfigMap') {
      for (const object of run) configMaps.push(object);
      keptRuns.push(run.filter((object) => object.metadata.name === 'istio' || object.metadata.name.startsWith('istio-')));
      continue;
    }
    if (kind === 'MutatingWebhookConfiguration') {
      keptRuns.push(run.filter(isRevisionTagWebhook));
      continue;
    }
    if (kind === 'Deployment' || kind === 'Pod') for (const object of run) workloads.push(object);
    else if (ISTIO_KINDS.has(kind)) hasIstioObjects = true;
    keptRuns.push(run);
  }

  const resolution = resolveMeshConfig({ configMaps, meshConfigDocument: input.meshConfigDocument, aksAddon: armAddon, armRevisions: armMesh.revisions });
  const istiods = istiodWorkloads(workloads, resolution.controlPlaneNamespace);

  // Installed revisions: ARM is authoritative for the add-on; else the mesh ConfigMaps and istiod Deployments and Pods.
  const meshRevisions = armAddon && armMesh.revisions.length > 0
    ? [...armMesh.revisions].sort(compareRevisions)
    : [...new Set([...resolution.configMapRevisions, ...istiodRevisions(istiods)])].sort(compareRevisions);

  const selfManagedSigns = !resolution.aksAddon && (resolution.configMapRevisions.length > 0 || istiods.length > 0);
  let meshMode: ClusterSnapshot['meshMode'];
  if (resolution.aksAddon) meshMode = 'Istio';
  else if (selfManagedSigns || (input.aksCluster && hasIstioObjects)) meshMode = 'self-managed';
  else if (input.aksCluster) meshMode = 'none';
  else meshMode = 'unknown';

  const istioVersion = input.istioVersion ?? deriveIstioVersion(meshMode, meshRevisions, istiods) ?? input.fallbackIstioVersion ?? NEWEST_BEHAVIOUR;

  const snapshot = buildSnapshot({
    cluster: input.cluster,
    source: input.source,
    objects: [],
    objectRuns: keptRuns,
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
function deriveIstioVersion(meshMode: ClusterSnapshot['meshMode'], revisions: string[], istiods: K8sObject[]): IstioVersion | undefined {
  if (meshMode === 'Istio') {
    const versions = revisions.map(versionOfAksRevision).filter((v): v is IstioVersion => v !== undefined);
    const oldest = versions[0];
    if (oldest && versions.length > 1) oldest.source = `${oldest.source} (oldest of ${revisions.join(', ')})`;
    if (oldest) return oldest;
  }
  return istiodImageVersion(istiods) ?? revisions.map(versionOfRevisionName).find((v) => v !== undefined);
}
