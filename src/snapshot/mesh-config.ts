/**
 * Effective mesh config, the control-plane namespace and installed revisions, resolved
 * from the ConfigMaps Istio itself reads (rules.md "Root namespace", "Mesh config").
 *
 * - Upstream Istio: istiod reads the `mesh` key of ConfigMap `istio` (default revision) or
 *   `istio-<rev>` in its own namespace (usually istio-system).
 * - AKS add-on: the add-on owns `istio-<revision>` in aks-istio-system; users write
 *   `istio-shared-configmap-<revision>`. The control plane merges both and "if a conflict
 *   exists between settings, the default settings take precedence" (AKS docs,
 *   learn.microsoft.com/azure/aks/istio-meshconfig and the troubleshooting page
 *   istio-add-on-meshconfig). We merge per top-level field, the add-on's value winning.
 * - `--mesh-config FILE` overrides both, field by field.
 * - rootNamespace: meshConfig.rootNamespace when set, else the control-plane namespace
 *   (Istio defaults rootNamespace to istiod's namespace).
 *
 * Pure: input objects in, result out. Problems (bad YAML in a ConfigMap, wrong types) are
 * returned, never thrown.
 */
import { parse as parseYaml } from 'yaml';
import { MAX_ALIAS_COUNT } from './manifests.js';
import type { InputProblem, K8sObject, MeshConfig, MeshConfigSource } from './types.js';
import { isRecord } from '../records.js';

export const AKS_ROOT_NAMESPACE = 'aks-istio-system';
/** A Kubernetes namespace name: DNS-1123 label. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const UPSTREAM_ROOT_NAMESPACE = 'istio-system';
const AKS_SHARED_PREFIX = 'istio-shared-configmap-';

/** One mesh config document with where it came from. */
interface MeshSource {
  source: MeshConfigSource;
  document: Record<string, unknown>;
}

export interface MeshConfigInput {
  configMaps: K8sObject[];
  /** Parsed `--mesh-config FILE`. */
  meshConfigDocument?: Record<string, unknown>;
  /** True when ARM says serviceMeshProfile.mode == Istio. */
  aksAddon: boolean;
  /** Revisions from ARM (serviceMeshProfile.istio.revisions), if known. */
  armRevisions?: string[];
}

export interface MeshConfigResolution {
  meshConfig: MeshConfig;
  /** Namespace whose ConfigMaps configure istiod (aks-istio-system, istio-system...). */
  controlPlaneNamespace: string;
  /** True when the AKS add-on's ConfigMaps or ARM say the add-on is in use. */
  aksAddon: boolean;
  /** Revisions that have a mesh ConfigMap ('default' for upstream `istio`). */
  configMapRevisions: string[];
  /** The revision whose config was used, when there is more than one. */
  revisionUsed?: string;
  problems: InputProblem[];
}

function meshText(configMap: K8sObject): string | undefined {
  const data = configMap.body.data;
  return isRecord(data) && typeof data.mesh === 'string' ? data.mesh : undefined;
}

/** Revision of an istiod mesh ConfigMap name: `istio` -> default, `istio-asm-1-25` -> asm-1-25. */
export function revisionOfMeshConfigMap(name: string): string | undefined {
  if (name === 'istio') return 'default';
  if (name.startsWith(AKS_SHARED_PREFIX)) return undefined;
  return name.startsWith('istio-') ? name.slice('istio-'.length) : undefined;
}

/** Orders revisions like asm-1-9 < asm-1-25, 1-24-2 < 1-25-0 (numbers compared as numbers). */
export function compareRevisions(a: string, b: string): number {
  const partsA = a.split(/[-.]/);
  const partsB = b.split(/[-.]/);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const x = partsA[i] ?? '';
    const y = partsB[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const diff = x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return diff;
  }
  return 0;
}

function parseMeshDocument(text: string, where: string, configMap: K8sObject | undefined, problems: InputProblem[]): Record<string, unknown> | undefined {
  try {
    const parsed = parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
    if (parsed === null || parsed === undefined) return {};
    if (isRecord(parsed)) return parsed;
    problems.push(problemFor(`${where}: the mesh config is not a mapping; it is ignored`, configMap));
  } catch (error) {
    problems.push(problemFor(`${where}: cannot parse the mesh config: ${(error as Error).message.split('\n')[0]}; it is ignored`, configMap));
  }
  return undefined;
}

function problemFor(message: string, configMap: K8sObject | undefined): InputProblem {
  if (!configMap) return { type: 'schema', message };
  return {
    type: 'schema',
    message,
    source: configMap.source,
    resource: { apiVersion: configMap.apiVersion, kind: configMap.kind, name: configMap.metadata.name, namespace: configMap.metadata.namespace },
  };
}

/** Namespaces holding istiod mesh ConfigMaps, with their revisions. */
function meshConfigMapsByNamespace(configMaps: K8sObject[]): Map<string, K8sObject[]> {
  const byNamespace = new Map<string, K8sObject[]>();
  for (const configMap of configMaps) {
    const name = configMap.metadata.name;
    const isMeshMap = meshText(configMap) !== undefined && (revisionOfMeshConfigMap(name) !== undefined || name.startsWith(AKS_SHARED_PREFIX));
    if (!isMeshMap) continue;
    const list = byNamespace.get(configMap.metadata.namespace) ?? [];
    list.push(configMap);
    byNamespace.set(configMap.metadata.namespace, list);
  }
  return byNamespace;
}

function chooseControlPlaneNamespace(byNamespace: Map<string, K8sObject[]>, aksAddon: boolean): string {
  if (aksAddon || byNamespace.has(AKS_ROOT_NAMESPACE)) return AKS_ROOT_NAMESPACE;
  if (byNamespace.has(UPSTREAM_ROOT_NAMESPACE)) return UPSTREAM_ROOT_NAMESPACE;
  // Self-managed istiod installed elsewhere: the only namespace that has a mesh ConfigMap.
  const others = [...byNamespace.keys()].sort();
  return others[0] ?? UPSTREAM_ROOT_NAMESPACE;
}

function stringList(field: string, value: unknown, source: MeshConfigSource, problems: InputProblem[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
  problems.push({ type: 'schema', message: `mesh config field ${field} from ${source} must be a list of strings; it is ignored` });
  return undefined;
}

export function resolveMeshConfig(input: MeshConfigInput): MeshConfigResolution {
  const problems: InputProblem[] = [];
  const byNamespace = meshConfigMapsByNamespace(input.configMaps);
  const aksAddon = input.aksAddon || byNamespace.has(AKS_ROOT_NAMESPACE);
  const controlPlaneNamespace = chooseControlPlaneNamespace(byNamespace, aksAddon);
  const maps = byNamespace.get(controlPlaneNamespace) ?? [];

  const ownMaps = new Map<string, K8sObject>();
  const sharedMaps = new Map<string, K8sObject>();
  for (const configMap of maps) {
    const name = configMap.metadata.name;
    if (name.startsWith(AKS_SHARED_PREFIX)) sharedMaps.set(name.slice(AKS_SHARED_PREFIX.length), configMap);
    else ownMaps.set(revisionOfMeshConfigMap(name)!, configMap);
  }
  const configMapRevisions = [...new Set([...ownMaps.keys(), ...(aksAddon ? sharedMaps.keys() : [])])].sort(compareRevisions);
  // With several revisions (canary upgrade) the newest one's config is used: it is the one
  // an upgrade converges on. ARM's list wins over ConfigMap names when known.
  const candidates = (input.armRevisions?.length ? [...input.armRevisions].sort(compareRevisions) : configMapRevisions).filter(
    (revision) => ownMaps.has(revision) || sharedMaps.has(revision),
  );
  const revisionUsed = candidates.at(-1) ?? configMapRevisions.at(-1);

  const sources: MeshSource[] = []; // lowest precedence first
  if (revisionUsed !== undefined) {
    const shared = aksAddon ? sharedMaps.get(revisionUsed) : undefined;
    const own = ownMaps.get(revisionUsed);
    for (const configMap of [shared, own]) {
      if (!configMap) continue;
      const where = `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name}`;
      const document = parseMeshDocument(meshText(configMap) ?? '', where, configMap, problems);
      if (document) sources.push({ source: `configmap:${configMap.metadata.namespace}/${configMap.metadata.name}`, document });
    }
  }
  if (input.meshConfigDocument) sources.push({ source: 'file', document: input.meshConfigDocument });

  const raw: Record<string, unknown> = {};
  const fieldSources: Record<string, MeshConfigSource> = {};
  for (const { source, document } of sources) {
    for (const [field, value] of Object.entries(document)) {
      raw[field] = value;
      fieldSources[field] = source;
    }
  }

  const sourceOf = (field: string): MeshConfigSource => fieldSources[field] ?? 'default';
  const rootNamespace = typeof raw.rootNamespace === 'string' && raw.rootNamespace ? raw.rootNamespace : controlPlaneNamespace;
  // Istio compares rootNamespace by string (push_context.go), so a value that is no namespace
  // name makes no namespace the root. Kept as Istio reads it, and reported: fix files and
  // messages must not take it for a namespace (or a folder).
  if (!NAMESPACE_NAME.test(rootNamespace)) {
    problems.push({ type: 'schema', message: `mesh config rootNamespace "${rootNamespace.slice(0, 80)}" from ${sourceOf('rootNamespace')} is not a namespace name (DNS-1123 label): no namespace is the root namespace` });
  }
  if (fieldSources.rootNamespace === undefined) fieldSources.rootNamespace = 'default';
  const outbound = raw.outboundTrafficPolicy;
  const outboundTrafficPolicyMode = isRecord(outbound) && typeof outbound.mode === 'string' ? outbound.mode : undefined;
  if (outboundTrafficPolicyMode !== undefined) fieldSources.outboundTrafficPolicyMode = sourceOf('outboundTrafficPolicy');

  const meshConfig: MeshConfig = {
    rootNamespace,
    defaultServiceExportTo: stringList('defaultServiceExportTo', raw.defaultServiceExportTo, sourceOf('defaultServiceExportTo'), problems),
    defaultVirtualServiceExportTo: stringList('defaultVirtualServiceExportTo', raw.defaultVirtualServiceExportTo, sourceOf('defaultVirtualServiceExportTo'), problems),
    defaultDestinationRuleExportTo: stringList('defaultDestinationRuleExportTo', raw.defaultDestinationRuleExportTo, sourceOf('defaultDestinationRuleExportTo'), problems),
    outboundTrafficPolicyMode,
    trustDomain: typeof raw.trustDomain === 'string' ? raw.trustDomain : undefined,
    fieldSources,
    raw,
  };
  return { meshConfig, controlPlaneNamespace, aksAddon, configMapRevisions, revisionUsed, problems };
}
