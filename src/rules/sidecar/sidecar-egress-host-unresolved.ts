import { refOf, sidecarEgressHostsOf } from '../../mesh/accessors.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import { egressDnsMatches, egressMatchOf } from '../../mesh/sidecars.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS, listForMessage } from '../exposure/common.js';

/**
 * sidecar-egress-host-unresolved: an egress host names a namespace that does not exist, is
 * not of the form `namespace/dnsName`, or names a host that matches nothing in its namespace.
 * Host matching is checked against Services, ServiceEntries, VirtualServices and
 * DestinationRules of the snapshot; namespace existence needs Namespace objects.
 */
export const sidecarEgressHostUnresolvedRule: Rule = {
  meta: {
    id: 'sidecar-egress-host-unresolved',
    title: 'Sidecar egress host matches nothing',
    category: 'sidecar',
    defaultSeverity: 'low',
    rationale:
      'An egress host for a namespace that does not exist imports whatever that namespace publishes once someone creates it; a host that matches nothing is usually a typo that silently leaves a dependency unreachable.',
    remediation: 'Fix or remove the egress host; name only existing namespaces and hosts.',
    references: [ISTIO_DOCS.sidecar],
    requires: ['Sidecar', 'Namespace', 'Service', 'ServiceEntry'],
  },
  evaluate({ snapshot, model }) {
    const results: RuleResult[] = [];
    const index = model.hostIndex();
    for (const sidecar of snapshot.objects.Sidecar) {
      const namespace = sidecar.metadata.namespace;
      if (model.classOf(namespace) === 'system' && namespace !== model.rootNamespace) continue;
      const problems: string[] = [];
      for (const host of sidecarEgressHostsOf(sidecar) ?? []) {
        if (host.namespace === '') {
          problems.push(`${host.raw} (not of the form namespace/host)`);
          continue;
        }
        if (host.namespace === '~') continue;
        const named = host.namespace !== '*' && host.namespace !== '.';
        if (named && model.namespacesKnown && !model.namespaceExists(host.namespace)) {
          problems.push(`${host.raw} (namespace ${host.namespace} does not exist)`);
          continue;
        }
        if (host.dnsName === '*') continue;
        // `.` in the root namespace means each workload's namespace: any owner counts.
        const ownerOk = (owner: string): boolean =>
          host.namespace === '*' || owner === host.namespace || (host.namespace === '.' && (owner === namespace || namespace === model.rootNamespace));
        // A service counts only when the egress host covers its hostname, a VirtualService when either covers the other (EgressMatch).
        const selects = ({ config, host: defined }: { config: ConfigObject; host: string }) => ownerOk(config.namespace) && egressDnsMatches(host.dnsName, defined, egressMatchOf(config.kind));
        if (!index.overlapping(host.dnsName).some(selects)) problems.push(`${host.raw} (matches no host)`);
      }
      if (problems.length === 0) continue;
      results.push({
        message: `Sidecar ${namespace}/${sidecar.metadata.name} has egress hosts that resolve to nothing: ${listForMessage(problems)}.`,
        namespace,
        resource: refOf(sidecar),
        affectedNamespaces: [namespace],
        evidence: { unresolvedHosts: problems, namespacesKnown: model.namespacesKnown },
        source: sidecar.source,
      });
    }
    return results;
  },
};
