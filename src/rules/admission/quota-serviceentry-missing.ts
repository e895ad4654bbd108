import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';

export const SERVICEENTRY_QUOTA_KEY = 'count/serviceentries.networking.istio.io';
/** Limit written by the mechanical fix: enough for a tenant's external dependencies, small enough to stop floods. */
export const DEFAULT_SERVICEENTRY_QUOTA = '20';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
    requires: ['ResourceQuota'],
  },
  evaluate: evaluateQuota,
};

function limitsServiceEntries(quota: K8sObject): boolean {
  return isRecord(quota.spec.hard) && SERVICEENTRY_QUOTA_KEY in quota.spec.hard;
}

function evaluateQuota({ snapshot, model }: RuleContext): RuleResult[] {
  const limited = new Set(snapshot.objects.ResourceQuota.filter(limitsServiceEntries).map((quota) => quota.metadata.namespace));
  return model
    .tenantNamespaces()
    .filter((namespace) => !limited.has(namespace))
    .map((namespace) => ({
      message: `Namespace ${namespace} has no ResourceQuota limiting ${SERVICEENTRY_QUOTA_KEY}.`,
      namespace,
      resource: namespaceRef(namespace),
      subjectKey: 'namespace',
      evidence: { quotas: snapshot.objects.ResourceQuota.filter((quota) => quota.metadata.namespace === namespace).map((quota) => quota.metadata.name) },
      fix: {
        type: 'manifest' as const,
        manifest: {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'istio-config-objects', namespace },
          spec: { hard: { [SERVICEENTRY_QUOTA_KEY]: DEFAULT_SERVICEENTRY_QUOTA } },
        },
      },
    }));
}
