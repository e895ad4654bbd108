import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';
import { isRecord } from '../../records.js';

export const SERVICEENTRY_QUOTA_KEY = 'count/serviceentries.networking.istio.io';
/** Limit written by the mechanical fix: enough for a tenant's external dependencies, small enough to stop floods. */
export const DEFAULT_SERVICEENTRY_QUOTA = '20';

/** quota-serviceentry-missing: nothing limits how many ServiceEntries a tenant creates. */
export const quotaServiceEntryMissing: Rule = {
  meta: {
    id: 'quota-serviceentry-missing',
    title: 'Tenant namespace has no ServiceEntry quota',
    category: 'admission',
    defaultSeverity: 'low',
    rationale:
      'Every ServiceEntry exported to a proxy adds clusters and listeners to its configuration. Without an object-count quota one tenant can create thousands and degrade istiod and every proxy that imports them (a noisy-neighbour denial of service).',
    remediation: `Add a ResourceQuota with \`${SERVICEENTRY_QUOTA_KEY}\` to the namespace.`,
    references: [
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/#object-count-quota',
      'https://istio.io/latest/docs/ops/deployment/performance-and-scalability/',
    ],
    requires: ['ResourceQuota', 'Namespace'],
  },
  evaluate: evaluateQuota,
};

function namesServiceEntries(quota: K8sObject): boolean {
  return isRecord(quota.spec.hard) && SERVICEENTRY_QUOTA_KEY in quota.spec.hard;
}

/**
 * Kubernetes' object-count evaluators match no quota scope (MatchesNoScopeFunc), so a quota
 * with `scopes` or a `scopeSelector` never counts ServiceEntries even when it names them.
 */
function isScoped(quota: K8sObject): boolean {
  const scopes = quota.spec.scopes;
  const selector = quota.spec.scopeSelector;
  return (Array.isArray(scopes) && scopes.length > 0) || (isRecord(selector) && Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0);
}

function evaluateQuota({ snapshot, model }: RuleContext): RuleResult[] {
  const quotasOf = new Map<string, K8sObject[]>();
  for (const quota of snapshot.objects.ResourceQuota) quotasOf.set(quota.metadata.namespace, [...(quotasOf.get(quota.metadata.namespace) ?? []), quota]);
  const results: RuleResult[] = [];
  for (const namespace of model.tenantNamespaces()) {
    const quotas = quotasOf.get(namespace) ?? [];
    const naming = quotas.filter(namesServiceEntries);
    if (naming.some((quota) => !isScoped(quota))) continue;
    const scopedIgnored = naming.map((quota) => quota.metadata.name).sort();
    const scopedText = scopedIgnored.length > 0 ? ` (${scopedIgnored.join(', ')} name it but are scoped, and scoped quotas do not count ServiceEntries)` : '';
    results.push({
      message: `Namespace ${namespace} has no ResourceQuota limiting ${SERVICEENTRY_QUOTA_KEY}${scopedText}.`,
      namespace,
      resource: namespaceRef(namespace),
      subjectKey: 'namespace',
      evidence: { quotas: quotas.map((quota) => quota.metadata.name), ...(scopedIgnored.length > 0 ? { scopedQuotasIgnored: scopedIgnored } : {}) },
      fix: {
        type: 'manifest' as const,
        manifest: {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'istio-config-objects', namespace },
          spec: { hard: { [SERVICEENTRY_QUOTA_KEY]: DEFAULT_SERVICEENTRY_QUOTA } },
        },
      },
    });
  }
  return results;
}
