import { matchLabelsSelectorOf } from '../../mesh/accessors.js';
import { authorizationFor, isTargeted, policiesByNamespace, policyAction } from '../../mesh/authorization.js';
import { workloadInMesh } from '../../mesh/injection.js';
import { podsRead, WORKLOAD_KINDS } from '../../mesh/workloads.js';
import { statusProblem } from '../../snapshot/validate.js';
import type { K8sObject } from '../../snapshot/types.js';
import { listForMessage } from '../exposure/common.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef, qualifiedName, refOf } from './refs.js';

/**
 * namespace-missing-authorizationpolicy: with no AuthorizationPolicy in force, Istio
 * allows every request to the namespace's workloads (medium). A namespace is default-deny
 * only with a selector-less ALLOW policy of its own or of the root namespace; with only
 * workload-targeted, DENY or CUSTOM policies the rest is still open (low).
 *
 * A policy that applies to no workload is not in force either. When the Pods were read, a
 * policy whose selector matches no workload in the mesh (a Pod or workload template with a
 * proxy, or enrolled in sidecar or ambient mode) protects nothing (medium), and a selector-less
 * policy of a namespace without such workloads applies to nothing yet (info), as istioctl
 * analyze's NoMatchingWorkloadsFound (pkg/config/analysis/analyzers/authz/authorizationpolicies.go);
 * a root-namespace policy with a selector is checked against the whole mesh.
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
    // Which workloads a selector matches: without them those checks are skipped (partly unknown).
    partlyRequires: [...WORKLOAD_KINDS],
  },
  evaluate: evaluateMissingAuthorization,
};

function describePolicies(policies: K8sObject[]): string {
  return policies.map((policy) => `${qualifiedName(policy)} (${policyAction(policy)}${isTargeted(policy) ? ', workload-targeted' : ''})`).join(', ');
}

function evaluateMissingAuthorization(context: RuleContext): RuleResult[] {
  const { snapshot, model } = context;
  const rootNamespace = snapshot.meshConfig.rootNamespace;
  const policies = policiesByNamespace(snapshot.objects.AuthorizationPolicy);
  const results: RuleResult[] = podsRead(snapshot) ? policiesMatchingNothing(context) : [];
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

/** Policies (tenant namespaces and root) that apply to no workload in the mesh. */
function policiesMatchingNothing({ snapshot, model }: RuleContext): RuleResult[] {
  const rootNamespace = snapshot.meshConfig.rootNamespace;
  const workloads = model.workloads();
  const version = snapshot.istioVersion;
  const inMesh = (workload: K8sObject) => workloadInMesh(workload, model.injectionOf(workload.metadata.namespace), version);
  const results: RuleResult[] = [];
  for (const policy of snapshot.objects.AuthorizationPolicy) {
    const namespace = policy.metadata.namespace;
    const inRoot = namespace === rootNamespace;
    if (!inRoot && !model.isTenant(namespace)) continue;
    const action = policyAction(policy);
    if (statusProblem(policy) || action === 'AUDIT' || action === 'INVALID') continue;
    // Policies bound by targetRef(s) to a gateway or waypoint are not selector-based.
    if (policy.spec.targetRef !== undefined || (Array.isArray(policy.spec.targetRefs) && policy.spec.targetRefs.length > 0)) continue;
    const selector = matchLabelsSelectorOf(policy);
    const hasSelector = selector !== undefined && Object.keys(selector).length > 0;
    if (inRoot && !hasSelector) continue; // mesh-wide: applies to every workload, present and future
    const scope = inRoot ? [...workloads.namespaces()] : [namespace];
    const selected = scope.flatMap((ns) => workloads.selectedIn(ns, selector ?? {}));
    if (selected.some(inMesh)) continue;
    const text = hasSelector ? Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',') : '';
    const where = inRoot ? 'anywhere in the mesh' : `in ${namespace}`;
    const outside = selected.map((workload) => `${workload.kind}/${workload.metadata.name}`).sort();
    const why = outside.length > 0 ? `it matches only workloads without a proxy (${listForMessage(outside)})` : hasSelector ? `no workload ${where} matches selector ${text}` : `${namespace} has no workload in the mesh yet`;
    results.push({
      severity: hasSelector ? 'medium' : 'info',
      message: hasSelector
        ? `AuthorizationPolicy ${qualifiedName(policy)} (${action}) applies to no workload ${where}: ${why}, so it protects nothing.`
        : `AuthorizationPolicy ${qualifiedName(policy)} (${action}) applies to no workload yet: ${why}; it takes effect on the first one.`,
      namespace,
      resource: refOf(policy),
      subjectKey: `no-matching-workload:${policy.metadata.name}`,
      evidence: { action, selector: hasSelector ? selector : null, workloadsWithoutProxy: outside },
      source: policy.source,
    });
  }
  return results;
}
