import type { ClusterSnapshot, K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName, refOf } from './refs.js';
import { isRecord } from '../../records.js';
import { HostIndex } from '../../mesh/hosts.js';

/**
 * destinationrule-tls-disabled: `tls.mode: DISABLE` on traffic to an in-mesh host makes
 * the client send plaintext even where the server would accept mTLS (client-side TLS
 * settings of a DestinationRule override Istio's automatic mTLS).
 */
export const destinationRuleTlsDisabled: Rule = {
  meta: {
    id: 'destinationrule-tls-disabled',
    title: 'DestinationRule disables TLS to an in-mesh host',
    category: 'transport',
    defaultSeverity: 'medium',
    rationale:
      'A DestinationRule TLS setting overrides auto mTLS for its clients. `mode: DISABLE` at top level, for a port or in a subset sends plaintext to a mesh service: no peer identity, no encryption, and a STRICT server rejects the connection while a PERMISSIVE one accepts it silently.',
    remediation:
      'Remove the `tls` block (auto mTLS then applies) or set `tls.mode: ISTIO_MUTUAL` at every level that says DISABLE.',
    references: [
      'https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings',
      'https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/#auto-mtls',
    ],
    requires: ['DestinationRule', 'ServiceEntry'],
  },
  evaluate: evaluateTlsDisabled,
};

/** Istio expands a DestinationRule host without dots with the rule's namespace. */
function fullHost(host: string, namespace: string, clusterDomain: string): string {
  return host.includes('.') || host === '*' ? host : `${host}.${namespace}.svc.${clusterDomain}`;
}

/**
 * Hosts of MESH_INTERNAL ServiceEntries in a HostIndex, so that "does any of them overlap this
 * host?" costs O(labels of the host) instead of a walk over every ServiceEntry per
 * DestinationRule (8,000 namespaces with TLS origination took 152 s for no finding).
 * Overlap is hostsOverlap's (Istio host.Name matching).
 */
export class MeshInternalHosts {
  private readonly index = new HostIndex<true>();

  constructor(serviceEntries: K8sObject[]) {
    for (const entry of serviceEntries) {
      if (entry.spec.location !== 'MESH_INTERNAL') continue;
      const hosts = Array.isArray(entry.spec.hosts) ? entry.spec.hosts.filter((h): h is string => typeof h === 'string') : [];
      for (const host of hosts) this.index.add(host, true);
    }
  }

  overlaps(host: string): boolean {
    return this.index.overlapping(host).length > 0;
  }
}

/** In-mesh: a Kubernetes service name (`*.svc.<domain>`, `*.<domain>`, `*.local`) or a MESH_INTERNAL ServiceEntry host. */
export function isInMeshHost(host: string, snapshot: ClusterSnapshot, meshInternal: MeshInternalHosts = new MeshInternalHosts(snapshot.objects.ServiceEntry)): boolean {
  const domain = snapshot.clusterDomain;
  if (host === '*' || host.endsWith(`.svc.${domain}`) || host.endsWith(`.${domain}`) || host === '*.local' || host.endsWith('.local')) return true;
  return meshInternal.overlaps(host);
}

function isDisabled(tls: unknown): boolean {
  return isRecord(tls) && typeof tls.mode === 'string' && tls.mode.toUpperCase() === 'DISABLE';
}

/** Paths of every `tls.mode: DISABLE` in a traffic policy (top level and port level). */
function disabledIn(policy: unknown, path: string): string[] {
  if (!isRecord(policy)) return [];
  const found = isDisabled(policy.tls) ? [`${path}.tls`] : [];
  const ports = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
  ports.forEach((setting, index) => {
    if (isRecord(setting) && isDisabled(setting.tls)) {
      const port = isRecord(setting.port) && setting.port.number !== undefined ? ` (port ${String(setting.port.number)})` : '';
      found.push(`${path}.portLevelSettings[${index}].tls${port}`);
    }
  });
  return found;
}

export function tlsDisabledPaths(rule: K8sObject): string[] {
  const found = disabledIn(rule.spec.trafficPolicy, 'spec.trafficPolicy');
  const subsets = Array.isArray(rule.spec.subsets) ? rule.spec.subsets : [];
  subsets.forEach((subset, index) => {
    if (!isRecord(subset)) return;
    const name = typeof subset.name === 'string' ? subset.name : String(index);
    found.push(...disabledIn(subset.trafficPolicy, `spec.subsets[${name}].trafficPolicy`));
  });
  return found;
}

function evaluateTlsDisabled({ snapshot }: RuleContext): RuleResult[] {
  const results: RuleResult[] = [];
  const meshInternal = new MeshInternalHosts(snapshot.objects.ServiceEntry);
  for (const rule of snapshot.objects.DestinationRule) {
    if (typeof rule.spec.host !== 'string') continue;
    // Most rules disable nothing (TLS origination to external hosts sets SIMPLE): no host lookup for them.
    const paths = tlsDisabledPaths(rule);
    if (paths.length === 0) continue;
    const host = fullHost(rule.spec.host, rule.metadata.namespace, snapshot.clusterDomain);
    if (!isInMeshHost(host, snapshot, meshInternal)) continue;
    results.push({
      message: `DestinationRule ${qualifiedName(rule)} sends plaintext to the in-mesh host ${host} (tls.mode DISABLE at ${paths.join(', ')}).`,
      namespace: rule.metadata.namespace,
      resource: refOf(rule),
      subjectKey: host,
      evidence: { host, disabledAt: paths },
      source: rule.source,
    });
  }
  return results;
}
