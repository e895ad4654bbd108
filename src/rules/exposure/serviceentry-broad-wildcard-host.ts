import type * as Tldts from 'tldts';
import { loadOnFirstUse } from '../../load-on-first-use.js';
import { refOf } from '../../mesh/accessors.js';
import { isWildcard, wildcardSuffix } from '../../mesh/hosts.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence } from './common.js';

/** What a broad wildcard covers, for evidence and messages. */
export type WildcardCoverage = 'every-host' | 'every-service' | 'services-of-several-namespaces' | 'public-suffix' | 'several-registrable-domains' | 'every-top-level-domain';

export interface BroadWildcard {
  coverage: WildcardCoverage;
  /** Completes "declares host X, which ...". */
  reason: string;
}

// The Public Suffix List is loaded on the first wildcard host that needs it, not at start-up
// (docs/performance.md "Start-up"); tldts is CommonJS, so require() loads it synchronously.
let tldts: typeof Tldts | undefined;

/** True when `domain` is a public suffix (ICANN section) or not a name under one at all. */
function isPublicSuffixOrUnknown(domain: string): boolean {
  tldts ??= loadOnFirstUse<typeof Tldts>('tldts');
  const parsed = tldts.parse(domain, { allowPrivateDomains: false });
  return !parsed.domain || parsed.publicSuffix === domain;
}

/**
 * What a wildcard host really covers, or undefined when it stays inside one registrable
 * domain (or one namespace of the cluster). A wildcard matches every name ending with the
 * rest of the pattern (pkg/config/host/name.go Matches), so `*example.com` is not
 * `*.example.com`: it also matches `badexample.com`, a different registrable domain.
 * Uses the Public Suffix List (tldts, ICANN section): `*.com`, `*.co.uk` cover a public
 * suffix. Cluster names count too: `*.svc.cluster.local` or `*.cluster.local` cover every
 * Service, `*-prod.svc.cluster.local` every namespace ending in `-prod`.
 */
export function broadWildcard(host: string, clusterDomain: string): BroadWildcard | undefined {
  if (!isWildcard(host)) return undefined;
  const lower = host.toLowerCase();
  if (lower === '*') return { coverage: 'every-host', reason: 'matches every host' };
  const suffix = wildcardSuffix(lower);
  // No dot: the pattern cuts into the top-level label, so it spans top-level domains (`*l` covers
  // every `.local` Service too, and every other name ending in "l").
  if (!suffix.includes('.')) {
    return { coverage: 'every-top-level-domain', reason: `covers every host whose name ends in "${suffix}", under any top-level domain ending in "${suffix}" (e.g. anything.${suffix}, anything.x${suffix}, x${suffix})` };
  }
  const serviceSuffix = `.svc.${clusterDomain}`.toLowerCase();
  if (serviceSuffix.endsWith(suffix)) return { coverage: 'every-service', reason: `covers every Service of the cluster (every name ending in "${suffix}")` };
  if (suffix.endsWith(serviceSuffix)) {
    // `<rest>.svc.<domain>`: a Service host is <name>.<namespace>.svc.<domain>.
    const rest = suffix.slice(0, suffix.length - serviceSuffix.length);
    if (!rest.includes('.')) return { coverage: 'services-of-several-namespaces', reason: `covers the Services of every namespace whose name ends in "${rest}"` };
    return undefined;
  }
  if (suffix.startsWith('.')) {
    const domain = suffix.slice(1);
    return isPublicSuffixOrUnknown(domain) ? { coverage: 'public-suffix', reason: `covers every registrable domain under the public suffix ${domain}` } : undefined;
  }
  // A partial wildcard: the pattern cuts into a label.
  const dot = suffix.indexOf('.');
  const parent = suffix.slice(dot + 1);
  if (isPublicSuffixOrUnknown(parent)) {
    return { coverage: 'several-registrable-domains', reason: `covers every registrable domain ending in "${suffix}" (e.g. evil${suffix}), not only ${suffix} and its subdomains; "*.${suffix}" is what stays inside one domain` };
  }
  return undefined;
}

/** The reason phrase of broadWildcard, or undefined when the host is not broad. */
export function broadWildcardReason(host: string, clusterDomain: string): string | undefined {
  return broadWildcard(host, clusterDomain)?.reason;
}

/** serviceentry-broad-wildcard-host: a ServiceEntry host that claims a public suffix, several registrable domains, every Service or `*`. */
export const serviceEntryBroadWildcardHostRule: Rule = {
  meta: {
    id: 'serviceentry-broad-wildcard-host',
    title: 'ServiceEntry host wildcard covers a public suffix or several domains',
    category: 'exposure',
    defaultSeverity: 'high',
    rationale:
      'A ServiceEntry host such as `*.com`, `*example.com` or `*` claims hosts of unrelated owners (every domain under a public suffix, or every domain whose name merely ends the same way): once imported it captures routing, TLS origination or egress permissions for them, and it overlaps every other definition it covers.',
    remediation: 'List the exact external hosts (or a wildcard under one registrable domain, e.g. `*.example.com`; note the dot: `*example.com` also matches `badexample.com`).',
    references: ['https://istio.io/latest/docs/reference/config/networking/service-entry/', 'https://publicsuffix.org/'],
    requires: ['ServiceEntry'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    for (const config of model.configObjects()) {
      if (config.kind !== 'ServiceEntry' || model.classOf(config.namespace) === 'system') continue;
      for (const host of new Set(config.hosts)) {
        const broad = broadWildcard(host, model.snapshot.clusterDomain);
        if (!broad) continue;
        const reason = broad.reason;
        results.push({
          message: `ServiceEntry ${config.namespace}/${config.object.metadata.name} declares host ${host}, which ${reason}.`,
          namespace: config.namespace,
          resource: refOf(config.object),
          affectedNamespaces: config.exportTo.scope.all ? ['*'] : [...config.exportTo.scope.names].sort(),
          subjectKey: host,
          evidence: { ...configEvidence(config), host, reason, coverage: broad.coverage },
          source: config.object.source,
        });
      }
    }
    return results;
  },
};
