import type { Rule, RuleContext, RuleMeta, RuleResult } from '../types.js';
import { isUnreadable } from '../../snapshot/coverage.js';
import type { SnapshotKind } from '../../snapshot/types.js';

/**
 * scan-incomplete: a kind could not be read (403, timeout, error) or the cluster could not
 * be reached. The engine skips rules blind to missing data (engine.ts ruleIsBlind); this
 * rule says which ones, so "no finding" is never mistaken for "compliant".
 * The catalogue comes from the context (the engine passes the registry's), so this rule
 * does not import the registry that lists it.
 */
export function createScanIncompleteRule(): Rule {
  return {
    meta: {
      id: 'scan-incomplete',
      title: 'Part of the cluster could not be read',
      category: 'coverage',
      defaultSeverity: 'medium',
      rationale:
        'A kind the scanner could not read (forbidden, timed out, failed) leaves every rule that needs it unknown. Reporting nothing would look like compliance, so the gap itself is a finding that names the kind and the rules whose result is unknown.',
      remediation:
        "Grant the scanner's identity read (get/list) access to the listed kinds (the ClusterRole or custom Azure RBAC role shipped in infra/), check API server reachability and retry the scan.",
      references: [
        'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
        'https://learn.microsoft.com/azure/aks/manage-azure-rbac',
      ],
      requires: [],
    },
    evaluate: evaluateScanIncomplete,
  };
}

function rulesRequiring(catalogue: readonly RuleMeta[], kinds: SnapshotKind[]): string[] {
  const wanted = new Set(kinds);
  return catalogue
    .filter((meta) => meta.id !== 'scan-incomplete' && meta.requires.some((kind) => wanted.has(kind)))
    .map((meta) => meta.id)
    .sort();
}

/** The opt-in that makes the fleet scan use a local account (src/config/app-settings.ts). */
const LOCAL_ACCOUNT_OPT_IN = 'SCAN_LOCAL_ACCOUNT_CLUSTERS';

function evaluateScanIncomplete({ snapshot, catalogue }: RuleContext): RuleResult[] {
  // Not scanned by policy: one finding saying so, however the coverage reads.
  if (snapshot.skipped) {
    const unknownRules = catalogue.filter((meta) => meta.id !== 'scan-incomplete' && meta.requires.length > 0).map((meta) => meta.id).sort();
    return [
      {
        message: `Cluster ${snapshot.cluster.name} was not scanned: ${snapshot.skipped}`,
        namespace: '',
        subjectKey: 'cluster-skipped',
        evidence: { reason: 'skipped', detail: snapshot.skipped, optIn: LOCAL_ACCOUNT_OPT_IN, unknownRules },
        remediation: `Enable AKS-managed Entra ID integration on the cluster and disable its local accounts, then grant the scanner's identity read access (infra/roles, infra/kubernetes). To scan it as it is, accept the local account's admin-equivalent credential for the scanner with ${LOCAL_ACCOUNT_OPT_IN}=true.`,
      },
    ];
  }
  const entries = Object.entries(snapshot.coverage) as Array<[SnapshotKind, NonNullable<(typeof snapshot.coverage)[SnapshotKind]>]>;
  const unreadable = entries.filter(([, entry]) => isUnreadable(entry.status));
  if (unreadable.length === 0) return [];

  // Every kind failed: the cluster itself was unreachable. One finding, not one per kind.
  const attempted = entries.filter(([, entry]) => entry.status !== 'not-collected');
  if (attempted.length > 0 && attempted.every(([, entry]) => entry.status === 'failed')) {
    const reasons = [...new Set(attempted.map(([, entry]) => entry.error).filter((e): e is string => Boolean(e)))];
    const unknownRules = catalogue.filter((meta) => meta.id !== 'scan-incomplete').map((meta) => meta.id).sort();
    return [
      {
        message: `Cluster ${snapshot.cluster.name} could not be reached${reasons.length ? ` (${reasons[0]})` : ''}: no rule result is known for it.`,
        namespace: '',
        subjectKey: 'cluster-unreachable',
        evidence: { kinds: attempted.map(([kind]) => kind), errors: reasons, unknownRules },
        remediation: 'Check that the API server is reachable from the scanner (network, private cluster access, credentials) and retry.',
      },
    ];
  }

  return unreadable
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, entry]) => {
      const unknownRules = rulesRequiring(catalogue, [kind]);
      return {
        message: `${kind} could not be read (${entry.status}${entry.error ? `: ${entry.error}` : ''}); the result of ${unknownRules.length} rule(s) is unknown${unknownRules.length ? `: ${unknownRules.join(', ')}` : ''}.`,
        namespace: '',
        subjectKey: kind,
        evidence: { kind, status: entry.status, error: entry.error ?? '', apiVersion: entry.apiVersion ?? '', unknownRules },
      };
    });
}
