import { readAksFacts, type AksFacts } from '../../inventory/aks-facts.js';
import { managedClusterRef } from '../../mesh/aks.js';
import type { ClusterSnapshot } from '../../snapshot/types.js';
import type { Rule, RuleMeta, RuleResult } from '../types.js';

/** What a platform check returns: nothing when compliant, else the message and evidence of one finding (or several). */
export type AksCheckResult = Omit<RuleResult, 'namespace' | 'resource'> & { subjectKey?: string };

/**
 * Builds a platform rule from the ARM ManagedCluster object. Every platform rule needs it
 * (meta.requiresAks), so the engine skips them when it is unknown; the check receives the
 * facts read once by src/mesh/aks.ts and returns zero or more results about the cluster.
 */
export function aksRule(meta: Omit<RuleMeta, 'category' | 'requires' | 'requiresAks'>, check: (facts: AksFacts, snapshot: ClusterSnapshot) => AksCheckResult[]): Rule {
  return {
    meta: { ...meta, category: 'platform', requires: [], requiresAks: true },
    evaluate({ snapshot }) {
      if (!snapshot.aksCluster) return [];
      const facts = readAksFacts(snapshot.aksCluster, snapshot.cluster.name);
      const resource = managedClusterRef(snapshot);
      return check(facts, snapshot).map((result) => ({ namespace: '', resource, subjectKey: meta.id, ...result }));
    },
  };
}

export const AKS_MESH_DOCS = 'https://learn.microsoft.com/azure/aks/istio-about';
