import { authorizationFor, policiesByNamespace } from '../../mesh/authorization.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef, qualifiedName } from './refs.js';

/**
 * namespace-missing-authorizationpolicy: with no AuthorizationPolicy in force, Istio
 * allows every request to the namespace's workloads. A namespace is protected by its own
 * policies (any selector) or a selector-less one in the root namespace.
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
    requires: ['AuthorizationPolicy'],
  },
  evaluate: evaluateMissingAuthorization,
};

function evaluateMissingAuthorization({ snapshot, model }: RuleContext): RuleResult[] {
  const rootNamespace = snapshot.meshConfig.rootNamespace;
  const policies = policiesByNamespace(snapshot.objects.AuthorizationPolicy);
  const results: RuleResult[] = [];
  for (const namespace of model.tenantNamespaces()) {
    const { applying, ignored } = authorizationFor(namespace, policies, rootNamespace);
    if (applying.length > 0) continue;
    const ignoredText = ignored.length > 0 ? ` (ignored: ${ignored.map(({ policy, reason }) => `${qualifiedName(policy)}, ${reason}`).join('; ')})` : '';
    results.push({
      message: `Namespace ${namespace} has no AuthorizationPolicy in force, so every workload of the mesh may call it${ignoredText}.`,
      namespace,
      resource: namespaceRef(namespace),
      subjectKey: 'namespace',
      evidence: { rootNamespace, ignoredPolicies: ignored.map(({ policy, reason }) => ({ policy: qualifiedName(policy), reason })) },
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
