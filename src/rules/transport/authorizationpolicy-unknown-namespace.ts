import { namespaceInventoryKnown, NamespacePatterns, sourceNamespaces } from '../../mesh/authorization.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName, refOf } from './refs.js';

/**
 * authorizationpolicy-unknown-namespace: a policy names a source namespace (in `namespaces` or
 * `notNamespaces`) that does not exist. Today it matches nobody; whoever creates that namespace
 * tomorrow gets the access (or the exemption). As istioctl analyze's analyzeNamespaceNotFound
 * (pkg/config/analysis/analyzers/authz/authorizationpolicies.go), both fields are checked.
 */
export const authorizationPolicyUnknownNamespace: Rule = {
  meta: {
    id: 'authorizationpolicy-unknown-namespace',
    title: 'AuthorizationPolicy names a source namespace that does not exist',
    category: 'transport',
    defaultSeverity: 'low',
    rationale:
      'A `from.source.namespaces` entry for a missing namespace is a latent grant: anyone allowed to create namespaces can create it and inherit the access (or, in a DENY policy, the intended block protects nothing). A `notNamespaces` entry for a missing namespace excludes nobody today (in an ALLOW policy, whoever creates it later loses access; in a DENY policy, gains an exemption). It is usually a typo or a leftover.',
    remediation: 'Correct the namespace name, or remove the entry if the namespace is gone.',
    references: ['https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source', 'https://github.com/istio/istio/blob/master/pkg/config/analysis/analyzers/authz/authorizationpolicies.go'],
    requires: ['AuthorizationPolicy', 'Namespace'],
  },
  evaluate: evaluateUnknownNamespace,
};

function evaluateUnknownNamespace({ snapshot }: RuleContext): RuleResult[] {
  // Without the Namespace list, "missing" cannot be told from "not read".
  if (!namespaceInventoryKnown(snapshot)) return [];
  const existing = new NamespacePatterns(new Set([...snapshot.namespaces.values()].filter((info) => !info.inferred).map((info) => info.name)));
  const results: RuleResult[] = [];
  for (const policy of snapshot.objects.AuthorizationPolicy) {
    const unknown = sourceNamespaces(policy).filter(({ value }) => !existing.matchesAny(value));
    const names = [...new Set(unknown.map(({ value }) => value))].sort();
    if (names.length === 0) continue;
    results.push({
      message: `AuthorizationPolicy ${qualifiedName(policy)} names source namespace(s) ${names.join(', ')} that do not exist.`,
      namespace: policy.metadata.namespace,
      resource: refOf(policy),
      subjectKey: names.join(','),
      evidence: { unknownNamespaces: names, fields: [...new Set(unknown.map(({ path }) => path))] },
      source: policy.source,
    });
  }
  return results;
}
