import { parse } from 'tldts';
import { refOf } from '../../mesh/accessors.js';
import { isWildcard } from '../../mesh/hosts.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence } from './common.js';

/**
 * Why a wildcard host is broad, as a phrase completing "declares host X, which ...", or
 * undefined when it stays inside one registrable domain.
 * Uses the Public Suffix List (tldts): `*.com`, `*.co.uk` cover a public suffix. Cluster
 * names count too: `*.svc.cluster.local` or `*.cluster.local` cover every namespace.
 */
export function broadWildcardReason(host: string, clusterDomain: string): string | undefined {
  if (!isWildcard(host)) return undefined;
  if (host === '*') return 'matches every host';
  const suffix = host.slice(2).toLowerCase();
  if (`svc.${clusterDomain}`.endsWith(suffix)) return `covers every Service of the cluster (*.${suffix})`;
  const parsed = parse(suffix, { allowPrivateDomains: false });
  if (!parsed.domain || parsed.publicSuffix === suffix) return `covers every registrable domain under the public suffix ${suffix}`;
  return undefined;
}

/** serviceentry-broad-wildcard-host: a ServiceEntry host that claims a public suffix or `*`. */
export const serviceEntryBroadWildcardHostRule: Rule = {
  meta: {
    id: 'serviceentry-broad-wildcard-host',
    title: 'ServiceEntry host wildcard covers a public suffix',
    category: 'exposure',
    defaultSeverity: 'high',
    rationale:
      'A ServiceEntry host such as `*.com` or `*` claims every host under a public suffix: once imported it captures routing, TLS origination or egress permissions for unrelated domains, and it overlaps every other definition under that suffix.',
    remediation: 'List the exact external hosts (or a wildcard under one registrable domain, e.g. `*.example.com`).',
    references: ['https://istio.io/latest/docs/reference/config/networking/service-entry/', 'https://publicsuffix.org/'],
    requires: ['ServiceEntry'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    for (const config of model.configObjects()) {
      if (config.kind !== 'ServiceEntry' || model.classOf(config.namespace) === 'system') continue;
      for (const host of new Set(config.hosts)) {
        const reason = broadWildcardReason(host, model.snapshot.clusterDomain);
        if (!reason) continue;
        results.push({
          message: `ServiceEntry ${config.namespace}/${config.object.metadata.name} declares host ${host}, which ${reason}.`,
          namespace: config.namespace,
          resource: refOf(config.object),
          affectedNamespaces: config.exportTo.scope.all ? ['*'] : [...config.exportTo.scope.names].sort(),
          subjectKey: host,
          evidence: { ...configEvidence(config), host, reason },
          source: config.object.source,
        });
      }
    }
    return results;
  },
};
