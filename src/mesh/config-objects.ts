/**
 * Exportable configuration (ServiceEntry, VirtualService, DestinationRule, Service) with its
 * resolved hosts and effective exportTo, computed once per snapshot.
 */
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { rawHostsOf, virtualServiceAppliesToMesh } from './accessors.js';
import { effectiveExportTo, type EffectiveExportTo, type ExportableKind } from './exportto.js';
import { resolveShortName, serviceHostname } from './hosts.js';

/** Gateway API routes with a Service parent (GAMMA) configure sidecars like a VirtualService (see gateway-api.ts). */
export type MeshRouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute';

export interface ConfigObject {
  object: K8sObject;
  kind: ExportableKind | MeshRouteKind;
  namespace: string;
  /** Lower-cased hosts; short names resolved for VirtualService/DestinationRule; the FQDN for a Service. */
  hosts: string[];
  exportTo: EffectiveExportTo;
  /** False for VirtualServices bound only to gateways (sidecars never use them). */
  appliesToSidecars: boolean;
}

/**
 * Hosts of an object. ServiceEntry hosts are taken literally (Istio does not expand short
 * names in ServiceEntries); VirtualService and DestinationRule short names resolve in the
 * object's namespace (VirtualService reference: "Istio will interpret the short name based
 * on the namespace of the rule").
 */
export function hostsOf(object: K8sObject, clusterDomain: string): string[] {
  if (object.snapshotKind === 'Service') return [serviceHostname(object.metadata.name, object.metadata.namespace, clusterDomain)];
  const raw = rawHostsOf(object);
  if (object.snapshotKind === 'ServiceEntry') return raw.map((host) => host.toLowerCase());
  return raw.map((host) => resolveShortName(host, object.metadata.namespace, clusterDomain));
}

export function buildConfigObjects(snapshot: ClusterSnapshot): ConfigObject[] {
  const out: ConfigObject[] = [];
  for (const kind of ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Service'] as const) {
    for (const object of snapshot.objects[kind]) {
      out.push({
        object,
        kind,
        namespace: object.metadata.namespace,
        hosts: hostsOf(object, snapshot.clusterDomain),
        exportTo: effectiveExportTo(object, snapshot.meshConfig, snapshot.istioVersion),
        appliesToSidecars: kind !== 'VirtualService' || virtualServiceAppliesToMesh(object),
      });
    }
  }
  return out;
}

/**
 * Namespaces singled out by some objects (see namespacesSingledOutBy), and which of them own
 * an object exported to `*`: a namespace that names such an owner in a Sidecar egress host
 * (`owner/...`) sees the object through that host, so answersByShape asks it on its own too.
 */
export interface SingledOut extends ReadonlySet<string> {
  readonly publicOwners: ReadonlySet<string>;
}

/**
 * The namespaces whose view of these objects may depend on their own name: the owners and
 * every namespace an exportTo names. Any other namespace sees them only through `*` exports
 * and the foreign egress hosts of its Sidecar scopes (see ScopeShape in sidecars.ts).
 */
export function namespacesSingledOutBy(configs: Iterable<ConfigObject>): SingledOut {
  const publicOwners = new Set<string>();
  const out = Object.assign(new Set<string>(), { publicOwners });
  for (const config of configs) {
    out.add(config.namespace);
    if (config.exportTo.scope.all) publicOwners.add(config.namespace);
    for (const name of config.exportTo.scope.names) out.add(name);
  }
  return out;
}
