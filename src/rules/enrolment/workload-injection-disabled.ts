import { injectionOptOut, podTemplateMetadata } from '../../mesh/injection.js';
import { labelSelectorMatches } from '../../mesh/rbac.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName, refOf } from '../transport/refs.js';

/** workload-injection-disabled: a tenant workload opts out of the sidecar. */
export const workloadInjectionDisabled: Rule = {
  meta: {
    id: 'workload-injection-disabled',
    title: 'Tenant workload opts out of sidecar injection',
    category: 'enrolment',
    defaultSeverity: 'medium',
    rationale:
      '`sidecar.istio.io/inject: "false"` on a pod template starts the pods without a proxy even in an injected namespace: their traffic bypasses Sidecar egress scoping, REGISTRY_ONLY, mTLS and authorization.',
    remediation: 'Remove the `sidecar.istio.io/inject: "false"` label or annotation from the pod template (or document the exception with a suppression).',
    references: ['https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy'],
    requires: ['Pod', 'Deployment'],
  },
  evaluate: evaluateInjectionDisabled,
};

function evaluateInjectionDisabled({ snapshot, model }: RuleContext): RuleResult[] {
  const results: RuleResult[] = [];
  const flaggedDeployments = snapshot.objects.Deployment.filter((deployment) => model.isTenant(deployment.metadata.namespace) && injectionOptOut(deployment));
  for (const deployment of flaggedDeployments) {
    results.push({
      message: `Deployment ${qualifiedName(deployment)} disables sidecar injection (${injectionOptOut(deployment)}) in its pod template.`,
      namespace: deployment.metadata.namespace,
      resource: refOf(deployment),
      subjectKey: 'workload',
      evidence: { optOut: injectionOptOut(deployment) },
      source: deployment.source,
    });
  }
  // Pods of a flagged Deployment are the same problem; report only stand-alone ones.
  for (const pod of snapshot.objects.Pod) {
    const optOut = injectionOptOut(pod);
    if (!optOut || !model.isTenant(pod.metadata.namespace)) continue;
    const ownedByFlagged = flaggedDeployments.some(
      (deployment) => deployment.metadata.namespace === pod.metadata.namespace && labelSelectorMatches(deployment.spec.selector, podTemplateMetadata(pod).labels),
    );
    if (ownedByFlagged) continue;
    results.push({
      message: `Pod ${qualifiedName(pod)} runs without a sidecar (${optOut}).`,
      namespace: pod.metadata.namespace,
      resource: refOf(pod),
      subjectKey: 'workload',
      evidence: { optOut },
      source: pod.source,
    });
  }
  return results;
}
