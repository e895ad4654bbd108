import { AMBIENT_REDIRECTION, injectionOptOut } from '../../mesh/injection.js';
import { hasIstioProxy, isFinishedPod, podTemplateOf, WORKLOAD_KINDS } from '../../mesh/workloads.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName, refOf } from '../transport/refs.js';

/**
 * workload-injection-disabled: a tenant workload runs outside the mesh.
 *
 * - Opt-out: a pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 *   CronJob) sets `sidecar.istio.io/inject` to a value the injector reads as "no"
 *   (injection.ts injectionOptOut, per Istio version). A workload created by a flagged
 *   controller is the same problem and is not repeated.
 * - Missing proxy: a running Pod of a namespace that injects sidecars has no istio-proxy
 *   container (nor native sidecar) and did not opt out: it was created before the label, or
 *   the webhook failed or was bypassed (istioctl analyze PodMissingProxy,
 *   pkg/config/analysis/analyzers/injection/injection.go). Host-network pods are never
 *   injected and pods ztunnel captures are in the mesh: neither is reported.
 */
export const workloadInjectionDisabled: Rule = {
  meta: {
    id: 'workload-injection-disabled',
    title: 'Tenant workload runs without a sidecar',
    category: 'enrolment',
    defaultSeverity: 'medium',
    rationale:
      '`sidecar.istio.io/inject: "false"` on a pod template starts the pods without a proxy even in an injected namespace, and a pod created before its namespace was labelled (or while the injection webhook was unavailable) has none either: their traffic bypasses Sidecar egress scoping, REGISTRY_ONLY, mTLS and authorization.',
    remediation:
      'Remove the `sidecar.istio.io/inject: "false"` label or annotation from the pod template (or document the exception with a suppression); restart pods that are missing their proxy (`kubectl rollout restart` of their controller).',
    references: [
      'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy',
      'https://istio.io/latest/docs/ops/common-problems/injection/',
      'https://github.com/istio/istio/blob/master/pkg/kube/inject/inject.go',
    ],
    // Namespace: whether a Pod's namespace injects sidecars (a missing proxy is only a finding there).
    requires: [...WORKLOAD_KINDS, 'Namespace'],
  },
  evaluate: evaluateInjectionDisabled,
};

function evaluateInjectionDisabled({ snapshot, model }: RuleContext): RuleResult[] {
  const version = snapshot.istioVersion;
  const workloads = model.workloads();
  const results: RuleResult[] = [];
  const optOutOf = new Map<K8sObject, string | undefined>();
  const optOut = (workload: K8sObject): string | undefined => {
    if (!optOutOf.has(workload)) optOutOf.set(workload, injectionOptOut(workload, version));
    return optOutOf.get(workload);
  };
  /** A controller up the ownership chain that opts out too: the finding is on it. */
  const flaggedOwner = (workload: K8sObject): K8sObject | undefined => {
    const seen = new Set<K8sObject>([workload]);
    for (let owner = workloads.ownerOf(workload); owner && !seen.has(owner); owner = workloads.ownerOf(owner)) {
      if (optOut(owner)) return owner;
      seen.add(owner);
    }
    return undefined;
  };
  for (const kind of WORKLOAD_KINDS) {
    for (const workload of snapshot.objects[kind]) {
      if (!model.isTenant(workload.metadata.namespace)) continue;
      if (kind === 'Pod' && isFinishedPod(workload)) continue;
      const reason = optOut(workload);
      if (reason) {
        if (flaggedOwner(workload)) continue;
        results.push({
          message: kind === 'Pod' ? `Pod ${qualifiedName(workload)} runs without a sidecar (${reason}).` : `${kind} ${qualifiedName(workload)} disables sidecar injection (${reason}) in its pod template.`,
          namespace: workload.metadata.namespace,
          resource: refOf(workload),
          subjectKey: 'workload',
          evidence: { optOut: reason, istioVersionAssumed: model.istioVersionAssumed },
          source: workload.source,
        });
        continue;
      }
      if (kind === 'Pod') {
        const missing = missingProxy(model, workload);
        if (missing) results.push(missing);
      }
    }
  }
  return results;
}

/** A running Pod of a sidecar-injected namespace without istio-proxy, not opted out. */
function missingProxy(model: RuleContext['model'], pod: K8sObject): RuleResult | undefined {
  const namespace = pod.metadata.namespace;
  const state = model.injectionOf(namespace);
  if (!state.injected || state.mode !== 'sidecar') return undefined;
  const template = podTemplateOf(pod)!;
  if (hasIstioProxy(template.spec) || template.spec.hostNetwork === true || template.annotations[AMBIENT_REDIRECTION] === 'enabled') return undefined;
  return {
    message: `Pod ${qualifiedName(pod)} runs without an istio-proxy sidecar although namespace ${namespace} injects sidecars (${state.how}): its traffic bypasses mTLS, authorization and Sidecar scoping until it is restarted.`,
    namespace,
    resource: refOf(pod),
    subjectKey: 'missing-proxy',
    evidence: { namespaceInjection: state.how, containers: containerNames(template.spec) },
    source: pod.source,
  };
}

function containerNames(podSpec: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const field of ['initContainers', 'containers']) {
    const containers = podSpec[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) if (container && typeof container === 'object' && typeof (container as { name?: unknown }).name === 'string') names.push((container as { name: string }).name);
  }
  return names;
}
