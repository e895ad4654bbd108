/**
 * Tenant scope (`--tenant NS[,NS...]`, or `tenant:` in the configuration): a tenant's
 * pipeline judges what the tenant owns and what its objects do to others, and shows the
 * cluster's own settings as context that never fails its gate.
 *
 * A finding is, in this order:
 *  1. `tenant` when it is about coverage (scan-incomplete, resource-invalid) of the cluster
 *     or of a tenant namespace: a gate that could not read must not pass;
 *  2. `tenant` when it is about an object in a tenant namespace or, when a change is compared
 *     with a base, about an object the change brings (it has a source file): what the
 *     tenant's pull request ships is the tenant's, even in someone else's namespace;
 *  3. `tenant` when its evidence names a tenant namespace among the owners of the
 *     configuration at fault (`foreignOwners`, `conflictingOwners`, any `...Owners` list):
 *     what the tenant's objects do to other namespaces;
 *  4. for the posture of a tenant namespace itself (the Namespace object: missing default
 *     Sidecar, mTLS mode, AuthorizationPolicy, injection label, quota, foreign imports):
 *     `tenant` when the scanned manifests hold that Namespace object or the run compares a
 *     change with a base (then only what the change did can fail), else `context`: the
 *     platform provisions namespaces and their defaults (policies/tenant-defaults), and a
 *     tenant folder alone cannot show them;
 *  5. `context` when it is cluster-level: no namespace (mesh config, admission, AKS,
 *     cluster-wide RBAC), the root namespace (mesh-wide defaults), or a mesh or platform rule;
 *  6. otherwise another tenant's business: left out of the report and counted.
 */
import { minimatch } from 'minimatch';
import type { Finding } from '../rules/types.js';
import { countBySeverity } from './scan-result.js';
import type { ClusterScanResult, FindingScope } from './types.js';

export interface TenantScopeOptions {
  /** Namespace names or globs (minimatch). */
  tenants: string[];
  /** The mesh root namespace of the cluster (its findings are mesh-wide). */
  rootNamespace: string;
  /** True when the findings are compared with a base (`--against`). */
  comparing: boolean;
}

export type TenantMatcher = (namespace: string) => boolean;

export function tenantMatcher(patterns: string[]): TenantMatcher {
  const exact = new Set(patterns.filter((pattern) => !/[*?[\]{}!]/.test(pattern)));
  const globs = patterns.filter((pattern) => !exact.has(pattern));
  return (namespace) => namespace !== '' && (exact.has(namespace) || globs.some((glob) => minimatch(namespace, glob)));
}

/** `--tenant a,b --tenant c` and `tenant: [a]` to one list of names or globs; empty entries are errors for the caller. */
export function splitTenantList(values: string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((entry) => entry.trim());
}

/** Namespaces named as owners of the configuration at fault in a finding's evidence. */
function evidenceOwners(evidence: Record<string, unknown>): string[] {
  const owners: string[] = [];
  for (const key of Object.keys(evidence)) {
    if (key !== 'owners' && !key.endsWith('Owners')) continue;
    const value = evidence[key];
    if (Array.isArray(value)) for (const entry of value) if (typeof entry === 'string') owners.push(entry);
  }
  return owners;
}

function isNamespacePosture(finding: Finding): boolean {
  return !finding.resource || finding.resource.kind === 'Namespace';
}

/** The scope of one finding, or undefined when it belongs to other namespaces only. */
export function scopeOf(finding: Finding, isTenant: TenantMatcher, options: Pick<TenantScopeOptions, 'rootNamespace' | 'comparing'>): FindingScope | undefined {
  const namespace = finding.namespace;
  const objectNamespace = finding.resource?.namespace ?? '';
  if (finding.category === 'coverage') return namespace === '' || isTenant(namespace) || isTenant(objectNamespace) ? 'tenant' : undefined;
  if (!isNamespacePosture(finding) && ((objectNamespace !== '' && isTenant(objectNamespace)) || (options.comparing && finding.source !== undefined))) return 'tenant';
  if (evidenceOwners(finding.evidence).some(isTenant)) return 'tenant';
  const postureOf = finding.resource?.kind === 'Namespace' ? finding.resource.name : namespace;
  if (isNamespacePosture(finding) && isTenant(postureOf)) return options.comparing || finding.source !== undefined ? 'tenant' : 'context';
  if (namespace === '' || namespace === options.rootNamespace || finding.category === 'mesh' || finding.category === 'platform') return 'context';
  return undefined;
}

/**
 * The result narrowed to the tenant: findings of other namespaces removed (counted), every
 * kept one marked tenant or context, counts and the exposure matrix limited to the kept
 * findings and the tenant's rows and columns.
 */
export function applyTenantScope(result: ClusterScanResult, options: TenantScopeOptions): ClusterScanResult {
  const isTenant = tenantMatcher(options.tenants);
  const scopes = new Map<string, FindingScope>();
  const kept: Finding[] = [];
  let outOfScope = 0;
  for (const finding of result.findings) {
    const scope = scopeOf(finding, isTenant, options);
    if (scope === undefined) {
      outOfScope += 1;
      continue;
    }
    scopes.set(finding.findingId, scope);
    kept.push(finding);
  }
  const exposureMatrix: Record<string, string[]> = {};
  for (const [importer, owners] of Object.entries(result.exposureMatrix)) {
    if (isTenant(importer) || owners.some(isTenant)) exposureMatrix[importer] = owners;
  }
  const resolved = result.comparison?.resolved.filter((finding) => scopeOf(finding, isTenant, options) === 'tenant');
  return {
    ...result,
    record: { ...result.record, findingCounts: countBySeverity(kept.filter((finding) => scopes.get(finding.findingId) === 'tenant')) },
    findings: kept,
    exposureMatrix,
    scope: { tenants: options.tenants, scopes, outOfScope },
    ...(result.comparison && resolved ? { comparison: { ...result.comparison, resolved } } : {}),
  };
}
