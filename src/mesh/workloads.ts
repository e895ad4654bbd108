/**
 * Workloads: Pods and the controllers that stamp them out from a pod template (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). Pure readers over the snapshot; a field of
 * the wrong type counts as absent.
 */
import { isUnreadable } from '../snapshot/coverage.js';
import type { ClusterSnapshot, K8sObject, SnapshotKind } from '../snapshot/types.js';
import { isRecord, labelsMatch, stringMapOf } from './accessors.js';
import { labelSelectorMatches } from './rbac.js';

export const CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const satisfies readonly SnapshotKind[];
export const WORKLOAD_KINDS = ['Pod', ...CONTROLLER_KINDS] as const satisfies readonly SnapshotKind[];
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The container Istio's injector adds (also as a native sidecar, an init container with restartPolicy Always). */
export const ISTIO_PROXY = 'istio-proxy';

export interface PodTemplate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The pod spec (containers, initContainers, hostNetwork...). */
  spec: Record<string, unknown>;
}

export function isWorkload(object: K8sObject): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(object.snapshotKind);
}

/**
 * The pod template of a workload: a Pod's own metadata and spec, `spec.template` of a
 * Deployment, StatefulSet, DaemonSet, ReplicaSet or Job, `spec.jobTemplate.spec.template` of a
 * CronJob. Undefined for other kinds or a template of the wrong shape.
 */
export function podTemplateOf(workload: K8sObject): PodTemplate | undefined {
  if (workload.snapshotKind === 'Pod') return { labels: workload.metadata.labels, annotations: workload.metadata.annotations, spec: workload.spec };
  let template: unknown;
  if (workload.snapshotKind === 'CronJob') {
    const jobTemplate = workload.spec.jobTemplate;
    template = isRecord(jobTemplate) && isRecord(jobTemplate.spec) ? jobTemplate.spec.template : undefined;
  } else if ((CONTROLLER_KINDS as readonly string[]).includes(workload.snapshotKind)) {
    template = workload.spec.template;
  }
  if (!isRecord(template)) return undefined;
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  return { labels: stringMapOf(metadata.labels) ?? {}, annotations: stringMapOf(metadata.annotations) ?? {}, spec: isRecord(template.spec) ? template.spec : {} };
}

/** True when the pod spec runs istio-proxy, as a container or as a native sidecar (init container). */
export function hasIstioProxy(podSpec: Record<string, unknown>): boolean {
  for (const field of ['containers', 'initContainers']) {
    const containers = podSpec[field];
    if (Array.isArray(containers) && containers.some((container) => isRecord(container) && container.name === ISTIO_PROXY)) return true;
  }
  return false;
}

/** A Pod that has finished (a completed Job's pod): it runs nothing. */
export function isFinishedPod(pod: K8sObject): boolean {
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * True when the snapshot holds the cluster's Pods: listed live, or present in offline input
 * (taken as the whole cluster). Questions such as "does this selector match any Pod" are only
 * asked then; without Pods the answer is unknown, not "no".
 */
export function podsRead(snapshot: ClusterSnapshot): boolean {
  const status = snapshot.coverage.Pod?.status;
  if (!(status === 'read' || (status === undefined && snapshot.objects.Pod.length > 0))) return false;
  // A controller that could not be read may be the one whose pods a selector is meant for.
  return !CONTROLLER_KINDS.some((kind) => isUnreadable(snapshot.coverage[kind]?.status));
}

/** Which controller kinds create which kinds (for ownership without ownerReferences). */
const CREATED_BY: Partial<Record<WorkloadKind, readonly WorkloadKind[]>> = {
  Pod: ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Deployment'],
  ReplicaSet: ['Deployment'],
  Job: ['CronJob'],
};

/** Workloads of a snapshot by namespace, with their pod templates. */
export class WorkloadIndex {
  private readonly byNamespace = new Map<string, { object: K8sObject; template: PodTemplate }[]>();
  private readonly byKey = new Map<string, K8sObject>();

  constructor(snapshot: ClusterSnapshot) {
    for (const kind of WORKLOAD_KINDS) {
      for (const object of snapshot.objects[kind]) {
        this.byKey.set(`${object.metadata.namespace}/${kind}/${object.metadata.name}`, object);
        if (kind === 'Pod' && isFinishedPod(object)) continue;
        const template = podTemplateOf(object);
        if (!template) continue;
        const list = this.byNamespace.get(object.metadata.namespace) ?? [];
        list.push({ object, template });
        this.byNamespace.set(object.metadata.namespace, list);
      }
    }
  }

  /** Running Pods and controllers of a namespace (finished Pods left out). */
  workloadsOf(namespace: string): readonly { object: K8sObject; template: PodTemplate }[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }

  /** Workloads of a namespace whose pod labels a `matchLabels`-style selector selects (empty selects all). */
  selectedIn(namespace: string, selector: Record<string, string>, accept: (object: K8sObject) => boolean = () => true): K8sObject[] {
    return this.workloadsOf(namespace)
      .filter(({ object, template }) => accept(object) && labelsMatch(selector, template.labels))
      .map(({ object }) => object);
  }

  /**
   * The controller that created a workload, when it is in the snapshot: by ownerReferences, or
   * (offline manifests carry none) by the selector of a Deployment, StatefulSet, DaemonSet,
   * ReplicaSet or Job of the same namespace matching its labels.
   */
  ownerOf(workload: K8sObject): K8sObject | undefined {
    const namespace = workload.metadata.namespace;
    for (const owner of workload.metadata.ownerReferences ?? []) {
      const found = this.byKey.get(`${namespace}/${owner.kind}/${owner.name}`);
      if (found) return found;
    }
    if (workload.metadata.ownerReferences?.length) return undefined;
    const creators = CREATED_BY[workload.snapshotKind as WorkloadKind] ?? [];
    const labels = workload.snapshotKind === 'Pod' ? workload.metadata.labels : podTemplateOf(workload)?.labels;
    if (!labels) return undefined;
    for (const { object } of this.workloadsOf(namespace)) {
      if (!creators.includes(object.snapshotKind as WorkloadKind)) continue;
      const selector = object.spec.selector;
      const nonEmpty = isRecord(selector) && ((isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0) || (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0));
      if (nonEmpty && labelSelectorMatches(selector, labels)) return object;
    }
    return undefined;
  }
}
