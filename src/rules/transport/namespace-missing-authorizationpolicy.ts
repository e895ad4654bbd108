import { authorizationFor, isTargeted, policiesByNamespace, policyAction } from '../../mesh/authorization.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef, qualifiedName } from './refs.js';

/**
 * namespace-missing-authorizationpolicy: with no AuthorizationPolicy in force, Istio
 * allows every request to the namespace's workloads (medium). A namespace is default-deny
 * only with a selector-less ALLOW policy of its own or of the root namespace; with only
 * workload-targeted, DENY or CUSTOM policies the rest is still open (low).
 */
export const namespaceMissingAuthorizationPolicy: Rule = {
  meta: {
    id: 'namespace-missing-authorizationpolicy',
    title: 'Tenant namespace has no AuthorizationPolicy',
    category: 'transport',
    defaultSeverity: 'medium',
    rationale:
      'Istio allows all traffic to a workload that no AuthorizationPolicy selects. Sidecar scoping only limits configuration, and with ALLOW_ANY not even egress, so without an authorization policy any workload of any namespace can call this namespace.',
    remediation:
      'Add a default-deny AuthorizationPolicy (`spec: {}`) to the namespace, then ALLOW policies for the callers it expects; or a mesh-wide default in the root namespace.',
    references: [
      'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
      'https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns',
    ],
    requires: ['AuthorizationPolicy', 'Namespace'],
  },
  evaluate: evaluateMissingAuthorization,
};

function describePolicies(policies: K8sObject[]): string {
  return policies.map((policy) => `${qualifiedName(policy)} (${policyAction(policy)}${isTargeted(policy) ? ', workload-targeted' : ''})`).join(', ');
}

function evaluateMissingAuthorization({ snapshot, model }: RuleContext): RuleResult[] {
  const rootNamespace = snapshot.meshConfig.rootNamespace;
  const policies = policiesByNamespace(snapshot.objects.AuthorizationPolicy);
  const results: RuleResult[] = [];
  for (const namespace of model.tenantNamespaces()) {
    const { applying, namespaceWideAllow, ignored } = authorizationFor(namespace, policies, rootNamespace);
    if (namespaceWideAllow.length > 0) continue;
    const ignoredText = ignored.length > 0 ? ` (ignored: ${ignored.map(({ policy, reason }) => `${qualifiedName(policy)}, ${reason}`).join('; ')})` : '';
    const partial = applying.length > 0;
    const onlyTargeted = partial && applying.every(isTargeted);
    let message = `Namespace ${namespace} has no AuthorizationPolicy in force, so every workload of the mesh may call it${ignoredText}.`;
    if (onlyTargeted) message = `Namespace ${namespace} has only workload-targeted AuthorizationPolicies (${describePolicies(applying)}): workloads they do not select accept every caller${ignoredText}.`;
    else if (partial) message = `Namespace ${namespace} has no ALLOW policy for the whole namespace, only ${describePolicies(applying)}: requests those policies do not match are allowed${ignoredText}.`;
    results.push({
      // Partial protection is one grade lower: some workloads or some callers are covered.
      severity: partial ? 'low' : 'medium',
      message,
      namespace,
      resource: namespaceRef(namespace),
      subjectKey: 'namespace',
      evidence: {
        rootNamespace,
        ignoredPolicies: ignored.map(({ policy, reason }) => ({ policy: qualifiedName(policy), reason })),
        ...(partial ? { partialPolicies: applying.map((policy) => ({ policy: qualifiedName(policy), action: policyAction(policy), targeted: isTargeted(policy) })) } : {}),
      },
      fix: {
        type: 'manifest',
        manifest: {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { name: 'default-deny', namespace },
          // An ALLOW policy without rules matches nothing: everything is denied until explicit ALLOW policies are added.
          spec: {},
        },
      },
    });
  }
  return results;
}
