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
import { listSummaryOf, withListSummary } from '../rules/list-summary.js';
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

/** `names`: the tenants when every pattern is a plain name (lists are then asked about those names only). */
export type TenantMatcher = ((namespace: string) => boolean) & { readonly names?: ReadonlySet<string> };

export function tenantMatcher(patterns: string[]): TenantMatcher {
  const exact = new Set(patterns.filter((pattern) => !/[*?[\]{}!]/.test(pattern)));
  const globs = patterns.filter((pattern) => !exact.has(pattern));
  const matcher = (namespace: string) => namespace !== '' && (exact.has(namespace) || globs.some((glob) => minimatch(namespace, glob)));
  return globs.length === 0 ? Object.assign(matcher, { names: exact }) : matcher;
}

/**
 * Does `holder[key]` (a list of namespaces) name a tenant? Through the list's summary
 * (list-summary.ts): asked about each tenant when the tenants are plain names, else about the
 * matcher, which the summary answers from its shared parts once per part. In an open mesh owner
 * lists and matrix rows name nearly every namespace, and building each one to find a tenant
 * costs namespaces squared.
 */
function namesTenant(holder: object, key: string, isTenant: TenantMatcher): boolean {
  const summary = listSummaryOf(holder, key);
  if (summary && isTenant.names) {
    for (const name of isTenant.names) if (summary.has(name)) return true;
    return false;
  }
  if (summary?.some) return summary.some(isTenant);
  const value = (holder as Record<string, unknown>)[key];
  return Array.isArray(value) && value.some((entry) => typeof entry === 'string' && isTenant(entry));
}

/** `--tenant a,b --tenant c` and `tenant: [a]` to one list of names or globs; empty entries are errors for the caller. */
export function splitTenantList(values: string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((entry) => entry.trim());
}

/** Does the evidence name a tenant among the owners of the configuration at fault? */
function ownedByTenant(evidence: Record<string, unknown>, isTenant: TenantMatcher): boolean {
  return Object.keys(evidence).some((key) => (key === 'owners' || key.endsWith('Owners')) && namesTenant(evidence, key, isTenant));
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
  if (ownedByTenant(finding.evidence, isTenant)) return 'tenant';
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
  // Rows are copied as they are (getters and summaries kept), so bounded outputs still read them from their summaries.
  const exposureMatrix: Record<string, string[]> = {};
  for (const importer of Object.keys(result.exposureMatrix)) {
    if (!isTenant(importer) && !namesTenant(result.exposureMatrix, importer, isTenant)) continue;
    Object.defineProperty(exposureMatrix, importer, { ...Object.getOwnPropertyDescriptor(result.exposureMatrix, importer)!, enumerable: true, configurable: true });
    const summary = listSummaryOf(result.exposureMatrix, importer);
    if (summary) withListSummary(exposureMatrix, importer, summary);
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
