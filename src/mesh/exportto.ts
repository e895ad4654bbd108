/**
 * Effective exportTo (rules.md "Effective exportTo", "How mesh defaults are really read",
 * "Exported to N"). Pure functions over one object and the mesh config.
 *
 * Istio sources: networking/v1 ServiceEntry/VirtualService/DestinationRule `exportTo`
 * reference docs; MeshConfig `defaultServiceExportTo`, `defaultVirtualServiceExportTo`,
 * `defaultDestinationRuleExportTo`; pilot/pkg/model/push_context.go (exportToDefaults,
 * IsServiceVisible, virtualServiceIndex, destinationRuleIndex).
 */
import type { IstioVersion, K8sObject, MeshConfig, MeshConfigSource } from '../snapshot/types.js';
import { exportToOf, workloadSelectorOf } from './accessors.js';
import { meshDefaultsReadAsLists } from './version.js';

/** Kubernetes Service annotation overriding defaultServiceExportTo (comma separated). */
export const SERVICE_EXPORT_ANNOTATION = 'networking.istio.io/exportTo';

/** How Istio reads an exportTo list: which namespaces see the object. */
export interface ExportScope {
  /** `*`: every namespace, present and future. */
  all: boolean;
  /** `.`: the owner's namespace. */
  own: boolean;
  /** Namespaces named explicitly (may not exist). */
  names: ReadonlySet<string>;
}

export type ExportToSource = 'resource' | 'annotation' | 'mesh-default' | 'built-in-default' | 'workload-selector';

export interface EffectiveExportTo {
  /** The list that applies, as written (resource, annotation or mesh default) or `["*"]`. */
  values: string[];
  source: ExportToSource;
  /** Mesh config field consulted when source is mesh-default or built-in-default. */
  meshField?: MeshDefaultField;
  meshFieldSource?: MeshConfigSource;
  scope: ExportScope;
  /** Set when Istio reads the list differently from what it says (old mesh-default semantics). */
  interpretation?: string;
}

export type MeshDefaultField = 'defaultServiceExportTo' | 'defaultVirtualServiceExportTo' | 'defaultDestinationRuleExportTo';

export const EXPORTABLE_KINDS = ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Service'] as const;
export type ExportableKind = (typeof EXPORTABLE_KINDS)[number];

export function meshDefaultFieldOf(kind: ExportableKind): MeshDefaultField {
  if (kind === 'VirtualService') return 'defaultVirtualServiceExportTo';
  if (kind === 'DestinationRule') return 'defaultDestinationRuleExportTo';
  return 'defaultServiceExportTo';
}

/** Reads a resource-level list (also how mesh defaults read from 1.30.3 on). */
export function scopeOfList(values: string[]): ExportScope {
  const names = new Set<string>();
  let all = false;
  let own = false;
  for (const value of values) {
    if (value === '*') all = true;
    else if (value === '.') own = true;
    else if (value !== '~' && value !== '') names.add(value);
  }
  // `~` hides the object from everyone unless `*` is also listed (push_context.go initServiceRegistry,
  // initVirtualServices: "*" first, then "~" ignores every other entry). Validation rejects the mix
  // on Istio objects, but not in a Service's exportTo annotation.
  if (!all && values.includes('~')) return { all: false, own: false, names: new Set() };
  return { all, own, names };
}

const ALL: ExportScope = { all: true, own: false, names: new Set() };
const OWN: ExportScope = { all: false, own: true, names: new Set() };
const NONE: ExportScope = { all: false, own: false, names: new Set() };

/**
 * How a mesh default list is read on `version` for `field`.
 * - DestinationRule default, every version: only `.` restricts; anything else is `*`.
 * - Service/VirtualService defaults before 1.30.3: `.` wins, then `*`; otherwise nothing.
 * - From 1.30.3: like a resource-level list.
 */
export function readMeshDefault(field: MeshDefaultField, values: string[], version: IstioVersion): { scope: ExportScope; interpretation?: string } {
  if (field === 'defaultDestinationRuleExportTo') {
    if (values.includes('.')) return { scope: OWN, interpretation: values.length > 1 ? 'only "." counts: own namespace only' : undefined };
    const plain = values.length === 1 && values[0] === '*';
    return { scope: ALL, interpretation: plain ? undefined : 'anything but "." behaves as "*": exported to every namespace' };
  }
  if (meshDefaultsReadAsLists(version)) return { scope: scopeOfList(values) };
  if (values.includes('.')) return { scope: OWN, interpretation: values.length > 1 ? 'only "." counts: own namespace only, other entries ignored' : undefined };
  if (values.includes('*')) return { scope: ALL, interpretation: values.length > 1 ? 'only "*" counts: exported to every namespace' : undefined };
  return { scope: NONE, interpretation: 'neither "." nor "*": objects without their own exportTo are visible in no namespace' };
}

/**
 * The effective exportTo of a ServiceEntry, VirtualService, DestinationRule or Kubernetes
 * Service. Never throws; a mistyped spec.exportTo counts as absent.
 */
export function effectiveExportTo(object: K8sObject, meshConfig: MeshConfig, version: IstioVersion): EffectiveExportTo {
  const kind = object.snapshotKind as ExportableKind;
  if (kind === 'DestinationRule' && workloadSelectorOf(object) !== undefined) {
    // A DestinationRule with a workloadSelector only applies to workloads of its namespace.
    return { values: ['.'], source: 'workload-selector', scope: OWN };
  }
  let own: string[] | undefined;
  let source: ExportToSource = 'resource';
  if (kind === 'Service') {
    const annotation = object.metadata.annotations[SERVICE_EXPORT_ANNOTATION];
    own = annotation
      ?.split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    // Any non-empty annotation replaces the mesh default (kube/conversion.go ConvertService keeps
    // its trimmed entries, empty ones included), so one listing no namespace (",") hides the Service.
    if (own && own.length === 0) {
      if (annotation !== '') return { values: [], source: 'annotation', scope: NONE, interpretation: 'the annotation names no namespace: visible in no namespace' };
      own = undefined;
    }
    source = 'annotation';
  } else {
    own = exportToOf(object);
  }
  if (own) return { values: own, source, scope: scopeOfList(own) };
  const field = meshDefaultFieldOf(kind);
  const defaults = meshConfig[field];
  if (!defaults || defaults.length === 0) {
    return { values: ['*'], source: 'built-in-default', meshField: field, meshFieldSource: meshConfig.fieldSources[field] ?? 'default', scope: ALL };
  }
  const read = readMeshDefault(field, defaults, version);
  return {
    values: defaults,
    source: 'mesh-default',
    meshField: field,
    meshFieldSource: meshConfig.fieldSources[field] ?? 'default',
    scope: read.scope,
    interpretation: read.interpretation,
  };
}

/** rules.md "Exported to N". */
export function isExportedTo(scope: ExportScope, ownerNamespace: string, target: string): boolean {
  return scope.all || (scope.own && target === ownerNamespace) || scope.names.has(target);
}

/** True when the object is visible in some namespace other than its own (now or, for unknown names, later). */
export function reachesOtherNamespaces(scope: ExportScope, ownerNamespace: string): boolean {
  if (scope.all) return true;
  for (const name of scope.names) if (name !== ownerNamespace) return true;
  return false;
}

/**
 * Export group of an object for a target namespace, used by host precedence:
 * 'private' (own namespace, or named explicitly) comes before 'public'. As in Istio's
 * service and VirtualService indexes (push_context.go initServiceRegistry,
 * initVirtualServices: "if service has exportTo *, make it public and ignore all other
 * exportTos"), `*` anywhere in the list makes the object public, even for a namespace it
 * also names.
 */
export function exportGroup(scope: ExportScope, ownerNamespace: string, target: string): 'private' | 'public' | undefined {
  if (scope.all) return 'public';
  if ((scope.own && target === ownerNamespace) || scope.names.has(target)) return 'private';
  return undefined;
}

/** Evidence form of an effective exportTo. */
export function exportToEvidence(effective: EffectiveExportTo): Record<string, unknown> {
  return {
    effectiveExportTo: effective.values,
    exportToSource: effective.meshField && effective.source !== 'resource' ? `${effective.source} (${effective.meshField} from ${effective.meshFieldSource})` : effective.source,
    ...(effective.interpretation ? { exportToInterpretation: effective.interpretation } : {}),
  };
}
