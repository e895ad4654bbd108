import type { Rule, RuleContext, RuleMeta, RuleResult } from '../types.js';
import { clusterReadFailure, isUnreadable, namedUnreadLocations, unreadInput, unreadLocation, type ClusterReadFailure } from '../../snapshot/coverage.js';
import type { SnapshotKind } from '../../snapshot/types.js';

/**
 * scan-incomplete: a kind could not be read (403, timeout, error), or nothing could be read
 * from the cluster at all (unreachable, credentials rejected, no read access): then one
 * finding for the cluster. Offline, manifest files or documents that could not be read
 * (malformed, binary, oversized, links not followed) make one finding too: what they hold is unknown. The engine skips rules blind to missing data (engine.ts ruleIsBlind); this
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

/** Subject, message and advice of the one finding for a cluster from which nothing could be read. */
const WHOLE_CLUSTER: Record<ClusterReadFailure['reason'], { subjectKey: string; message: (cluster: string, detail: string) => string; remediation: string }> = {
  unauthenticated: {
    subjectKey: 'cluster-unauthenticated',
    message: (cluster, detail) => `Could not authenticate to cluster ${cluster}: the API server rejected the scanner's credentials (${detail}); no rule that reads the cluster has a result.`,
    remediation: "Renew the scanner's credentials: the kubeconfig user's token or client certificate, the exec plugin login (kubelogin), or the managed identity's Entra ID access to the cluster; then retry.",
  },
  forbidden: {
    subjectKey: 'cluster-forbidden',
    message: (cluster, detail) => `The scanner's identity may not read any kind on cluster ${cluster} (${detail}); no rule that reads the cluster has a result.`,
    remediation: "Grant the scanner's identity the read-only role the project ships (infra/kubernetes, docs/live-scanning.md) and retry.",
  },
  unreachable: {
    subjectKey: 'cluster-unreachable',
    message: (cluster, detail) => `Cluster ${cluster} could not be reached (${detail}): no rule that reads the cluster has a result.`,
    remediation: 'Check that the API server is reachable from the scanner over verified TLS (https, trusted CA, network, private cluster access) and retry.',
  },
};

/** Every rule but this one and the ARM-based platform rules, which read nothing from the API server or the manifests: their results still stand. */
function rulesReadingTheCluster(catalogue: readonly RuleMeta[]): string[] {
  return catalogue.filter((meta) => meta.id !== 'scan-incomplete' && !meta.requiresAks).map((meta) => meta.id).sort();
}

function rulesPartlyRequiring(catalogue: readonly RuleMeta[], kinds: SnapshotKind[]): string[] {
  const wanted = new Set(kinds);
  return catalogue
    .filter((meta) => meta.id !== 'scan-incomplete' && !meta.requires.some((kind) => wanted.has(kind)) && (meta.partlyRequires ?? []).some((kind) => wanted.has(kind)))
    .map((meta) => meta.id)
    .sort();
}

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
  const input = unreadInputFinding(snapshot, catalogue);
  if (unreadable.length === 0) return input;

  // Nothing could be read (unreachable, credentials rejected, no read access at all): one
  // finding for the cluster, not one per kind, naming the cause.
  const failure = clusterReadFailure(snapshot);
  if (failure) {
    const wording = WHOLE_CLUSTER[failure.reason];
    const unknownRules = rulesReadingTheCluster(catalogue);
    return [
      {
        message: wording.message(snapshot.cluster.name, failure.errors[0] ?? 'no detail'),
        namespace: '',
        subjectKey: wording.subjectKey,
        evidence: { reason: failure.reason, kinds: unreadable.map(([kind]) => kind), errors: failure.errors, unknownRules },
        remediation: wording.remediation,
      },
    ];
  }

  const kinds = unreadable
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, entry]) => {
      const unknownRules = rulesRequiring(catalogue, [kind]);
      const partlyUnknownRules = rulesPartlyRequiring(catalogue, [kind]);
      const consequence = unknownRules.length > 0 ? `the result of ${unknownRules.length} rule(s) is unknown: ${unknownRules.join(', ')}` : 'no rule depends on it alone, but the scan is incomplete';
      const partly = partlyUnknownRules.length > 0 ? ` Part of ${partlyUnknownRules.join(', ')} (the checks that need ${kind}) is unknown too.` : '';
      return {
        message: `${kind} could not be read (${entry.status}${entry.error ? `: ${entry.error}` : ''}); ${consequence}.${partly}`,
        namespace: '',
        subjectKey: kind,
        evidence: { kind, status: entry.status, error: entry.error ?? '', apiVersion: entry.apiVersion ?? '', unknownRules, ...(partlyUnknownRules.length > 0 ? { partlyUnknownRules } : {}) },
      };
    });
  return [...kinds, ...input];
}

/** Input locations the finding's evidence lists; `unreadCount` is always exact. */
const UNREAD_LOCATIONS_LISTED = 50;

/**
 * One finding for all manifest input that could not be read: each file keeps its own
 * resource-invalid finding with the reason; this one says that the scan as a whole cannot vouch
 * for what those files hold (any rule could have fired on them).
 */
function unreadInputFinding(snapshot: RuleContext['snapshot'], catalogue: readonly RuleMeta[]): RuleResult[] {
  const problems = unreadInput(snapshot);
  if (problems.length === 0) return [];
  return [
    {
      message: `${problems.length} manifest file(s) or document(s) could not be read (${namedUnreadLocations(problems)}): whatever they hold was not scanned, so every rule's result is unknown for it; the findings cover the rest.`,
      namespace: '',
      subjectKey: 'input-unread',
      source: problems[0]!.source,
      evidence: { reason: 'input-unread', unreadCount: problems.length, unreadLocations: problems.slice(0, UNREAD_LOCATIONS_LISTED).map(unreadLocation), unknownRules: rulesReadingTheCluster(catalogue) },
      remediation: 'Fix or remove the files named (their resource-invalid findings give the file, line and reason) and scan again; --allow-incomplete accepts the scan as it is.',
    },
  ];
}
