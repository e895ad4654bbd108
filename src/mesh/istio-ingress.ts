/**
 * Shared ingress with Istio Gateway + VirtualService, as istiod builds a gateway proxy's
 * routes (docs/semantics.md "Istio ingress gateways"):
 *
 * - Server hosts are `namespace/dnsName`: `./host` is the Gateway's own namespace, `*\/host`
 *   or a bare `host` any namespace, and `*\/*` turns the whole server into `*`
 *   (sanitizeServerHostNamespace, pilot/pkg/model/gateway.go). A VirtualService of namespace N
 *   binds to a server only through the hosts whose namespace is N or `*`
 *   (host.NamesForNamespace), and only on the intersection of its hosts with them
 *   (buildGatewayHTTPRouteConfig, pilot/pkg/networking/core/gateway.go).
 * - `spec.gateways` names are resolved like resolveGatewayName (pilot/pkg/model/config.go):
 *   `name` and `./name` are the VirtualService's namespace, `ns/name` explicit, and the
 *   legacy `name.ns.svc.cluster.local` is `ns/name`.
 * - A gateway proxy sees a VirtualService only when it is exported to the proxy's own
 *   namespace (PushContext.VirtualServicesForGateway: private to that namespace, exported
 *   to it by name, then public), not the Gateway object's namespace.
 * - Every VirtualService bound to the same host of the same route configuration is merged
 *   into one Envoy virtual host (vHostDedupMap): the routes are appended server by server of
 *   the merged Gateways (oldest Gateway first), for each in that order, each group oldest
 *   first, and catch-all routes moved last (SortVHostRoutes). Plain-HTTP servers
 *   share one route configuration per port (`http.<port>`) across every Gateway the proxy
 *   merges; HTTPS servers have one per server (`https.<port>.<portName>.<gateway>.<namespace>`):
 *   gatewayRDSRouteName.
 */
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { compareByAge, isRecord, stringList } from './accessors.js';
import type { ConfigObject } from './config-objects.js';
import { exportGroup, isExportedTo } from './exportto.js';
import { gatewayScoping, gatewaySelects, gatewaySelectorOf, gatewayWorkloads, type GatewayScoping, type GatewayWorkload } from './gateway-workloads.js';
import { hostMatches } from './hosts.js';

export interface ServerHost {
  /** As written. */
  raw: string;
  /** `*` = any namespace, else the one namespace whose VirtualServices may bind. */
  namespace: string;
  /** Lower-cased DNS name or wildcard. */
  dnsName: string;
}

export type RouteConfigKind = 'http' | 'https' | 'l4';

export interface GatewayServer {
  gateway: K8sObject;
  index: number;
  port?: number;
  portName: string;
  protocol: string;
  bind: string;
  hosts: ServerHost[];
  routeConfig: RouteConfigKind;
  /** `tls` is set (HTTPS, TLS, or an HTTP server with httpsRedirect). */
  hasTls: boolean;
  /** Hosts as sanitizeServerHostNamespace leaves them, case kept: what CheckDuplicates compares. */
  sanitizedHosts: string[];
}

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);
const PASSTHROUGH_MODES = new Set(['PASSTHROUGH', 'AUTO_PASSTHROUGH']);

/** sanitizeServerHostNamespace for one host. */
export function parseServerHost(raw: string, gatewayNamespace: string): ServerHost {
  const slash = raw.indexOf('/');
  if (slash < 0) return { raw, namespace: '*', dnsName: raw.toLowerCase() };
  const namespace = raw.slice(0, slash);
  return { raw, namespace: namespace === '.' ? gatewayNamespace : namespace, dnsName: raw.slice(slash + 1).toLowerCase() };
}

/** True when only one namespace's VirtualServices may bind through this host. */
export function isRestricted(host: ServerHost): boolean {
  return host.namespace !== '*';
}

export function serversOf(gateway: K8sObject): GatewayServer[] {
  const servers = Array.isArray(gateway.spec.servers) ? gateway.spec.servers : [];
  const out: GatewayServer[] = [];
  servers.forEach((server, index) => {
    if (!isRecord(server)) return;
    const port = isRecord(server.port) ? server.port : {};
    const protocol = (typeof port.protocol === 'string' ? port.protocol : '').toUpperCase();
    const tlsMode = isRecord(server.tls) && typeof server.tls.mode === 'string' ? server.tls.mode.toUpperCase() : undefined;
    const rawHosts = stringList(server.hosts) ?? [];
    // `*/*` makes the whole server `*` (sanitizeServerHostNamespace).
    const hosts = rawHosts.includes('*/*') ? [{ raw: '*/*', namespace: '*', dnsName: '*' }] : rawHosts.map((host) => parseServerHost(host, gateway.metadata.namespace));
    let routeConfig: RouteConfigKind = 'l4';
    if (HTTP_PROTOCOLS.has(protocol)) routeConfig = 'http';
    else if (protocol === 'HTTPS' && !PASSTHROUGH_MODES.has(tlsMode ?? '')) routeConfig = 'https';
    out.push({
      gateway,
      index,
      port: typeof port.number === 'number' ? port.number : undefined,
      portName: typeof port.name === 'string' ? port.name : '',
      protocol,
      bind: typeof server.bind === 'string' ? server.bind : '',
      hosts,
      routeConfig,
      hasTls: isRecord(server.tls),
      sanitizedHosts: rawHosts.includes('*/*') ? ['*'] : rawHosts.map((host) => sanitizeHost(host, gateway.metadata.namespace)),
    });
  });
  return out;
}

/** sanitizeServerHostNamespace for one host, as written: `./h` -> `<ns>/h`, `*\/h` -> `h`. */
function sanitizeHost(raw: string, gatewayNamespace: string): string {
  const slash = raw.indexOf('/');
  if (slash < 0) return raw;
  const namespace = raw.slice(0, slash);
  if (namespace === '.') return `${gatewayNamespace}/${raw.slice(slash + 1)}`;
  return namespace === '*' ? raw.slice(slash + 1) : raw;
}

/** protocol.Parse(...).IsHTTP(): the protocols that merge on one plain-text port. */
function isHttpProtocol(protocol: string): boolean {
  return HTTP_PROTOCOLS.has(protocol);
}

/**
 * The servers a gateway proxy drops when it merges Gateways (their servers, oldest Gateway first), as mergeGateways
 * (pilot/pkg/model/gateway.go) does, server by server:
 *
 * - a server with `tls` whose port and bind already carry one of its hosts (as
 *   sanitizeServerHostNamespace leaves them, compared as strings: CheckDuplicates) from an earlier
 *   server with `tls`: "skipping server on gateway ..., duplicate host names";
 * - a server on a port whose first plain-text server (IsTLSServer false) has the same bind when
 *   the protocols cannot merge (canMergeProtocols: both HTTP-like) or the server has no route
 *   configuration (not HTTP, not terminated HTTPS): "conflict with existing server".
 *
 * So the first Gateway to claim a TLS host, or a port with another protocol, on a shared proxy
 * keeps it, whatever namespace it is in. Ports are the servers' numbers (resolvePorts maps them to
 * the Service's target ports only for legacy selectors, which does not change what collides).
 */
export function skippedServers(gateways: readonly (readonly GatewayServer[])[]): Set<GatewayServer> {
  const skipped = new Set<GatewayServer>();
  const tlsHostsByPort = new Map<number, Map<string, string>>();
  const ports = new Set<number>();
  const plainText = new Map<number, { protocol: string; bind: string }>();
  for (const servers of gateways) {
    for (const server of servers) {
      const port = server.port;
      if (port === undefined) continue; // rejected by validation; mergeGateways skips it too
      if (server.hasTls) {
        const known = tlsHostsByPort.get(port) ?? new Map<string, string>();
        tlsHostsByPort.set(port, known);
        if (server.sanitizedHosts.some((host) => known.get(host) === server.bind)) {
          skipped.add(server);
          continue;
        }
        for (const host of server.sanitizedHosts) known.set(host, server.bind);
      }
      const isTlsServer = server.hasTls && !isHttpProtocol(server.protocol);
      if (!ports.has(port)) {
        ports.add(port);
        if (!isTlsServer) plainText.set(port, { protocol: server.protocol, bind: server.bind });
        continue;
      }
      const current = plainText.get(port);
      if (current) {
        const canMerge = isHttpProtocol(current.protocol) && (isHttpProtocol(server.protocol) || server.protocol === current.protocol);
        if (current.bind === server.bind && (!canMerge || server.routeConfig === 'l4')) skipped.add(server);
      } else if (!isTlsServer) {
        plainText.set(port, { protocol: server.protocol, bind: server.bind });
      }
    }
  }
  return skipped;
}

/** resolveGatewayName: a VirtualService's `gateways` entry as `namespace/name` (or `mesh`). */
export function resolveGatewayName(name: string, virtualServiceNamespace: string): string {
  if (name === 'mesh') return name;
  const slash = name.indexOf('/');
  if (slash >= 0) return name.startsWith('./') ? `${virtualServiceNamespace}/${name.slice(2)}` : name;
  const dot = name.indexOf('.');
  if (dot < 0) return `${virtualServiceNamespace}/${name}`;
  const rest = name.slice(dot + 1);
  const nextDot = rest.indexOf('.');
  return `${nextDot < 0 ? rest : rest.slice(0, nextDot)}/${name.slice(0, dot)}`;
}

/** Hosts of a server a VirtualService of `namespace` may bind through (host.NamesForNamespace). */
export function hostsForNamespace(server: GatewayServer, namespace: string): string[] {
  return server.hosts.filter((host) => host.namespace === '*' || host.namespace === namespace).map((host) => host.dnsName);
}

/** host.Names.Intersection: for each overlapping pair, the narrower name. */
export function intersectNames(serverHosts: string[], virtualServiceHosts: string[]): string[] {
  const out = new Set<string>();
  for (const serverHost of serverHosts) {
    for (const vsHost of virtualServiceHosts) {
      if (hostMatches(vsHost, serverHost)) out.add(serverHost);
      else if (hostMatches(serverHost, vsHost)) out.add(vsHost);
    }
  }
  return [...out];
}

/** Which route sections of a VirtualService a server uses. */
function usesServer(virtualService: K8sObject, server: GatewayServer): boolean {
  const has = (field: string) => Array.isArray(virtualService.spec[field]) && (virtualService.spec[field] as unknown[]).length > 0;
  return server.routeConfig === 'l4' ? has('tls') || has('tcp') : has('http');
}

/** Gateway proxies that merge the same Gateways, in one namespace: they get identical routes. */
export interface ProxyClass {
  key: string;
  namespace: string;
  workloads: GatewayWorkload[];
  gateways: K8sObject[];
  /** Servers of those Gateways the proxies drop when merging them (skippedServers). */
  skipped: Set<GatewayServer>;
}

/** One VirtualService bound to one host of one route configuration of a proxy class. */
export interface Binding {
  virtualService: ConfigObject;
  gateway: K8sObject;
  server: GatewayServer;
  proxy: ProxyClass;
  /** gatewayRDSRouteName (or `l4.<port>`), unique within the proxy class. */
  routeConfig: string;
  /** The Envoy virtual host domain (intersection of server and VirtualService hosts). */
  host: string;
}

/** Every VirtualService merged into one Envoy virtual host, in the order Envoy tries their routes. */
export interface VirtualHostGroup {
  host: string;
  routeConfig: string;
  proxy: ProxyClass;
  bindings: Binding[];
}

export interface IngressGateway {
  object: K8sObject;
  servers: GatewayServer[];
  /** Gateway proxies this Gateway configures. */
  workloads: GatewayWorkload[];
}

function routeConfigName(server: GatewayServer): string {
  const bind = server.bind ? `.${server.bind}` : '';
  if (server.routeConfig === 'http') return `http.${server.port ?? '?'}${bind}`;
  if (server.routeConfig === 'https') return `https.${server.port ?? '?'}.${server.portName}.${server.gateway.metadata.name}.${server.gateway.metadata.namespace}${bind}`;
  return `l4.${server.port ?? '?'}${bind}`;
}

/** Order of VirtualServicesForGateway for a proxy of `namespace`: 0 own private, 1 exported by name, 2 public. */
function visibilityGroup(config: ConfigObject, namespace: string): number {
  const group = exportGroup(config.exportTo.scope, config.namespace, namespace);
  if (group === 'public') return 2;
  return config.namespace === namespace ? 0 : 1;
}

export class IstioIngressModel {
  readonly scoping: GatewayScoping;
  readonly workloads: GatewayWorkload[];
  readonly gateways: IngressGateway[] = [];
  readonly bindings: Binding[] = [];
  private readonly gatewayByName = new Map<string, IngressGateway>();
  private readonly proxyClasses: ProxyClass[] = [];
  private readonly bindingsByGateway = new Map<K8sObject, Binding[]>();
  private groupsCache?: VirtualHostGroup[];

  constructor(snapshot: ClusterSnapshot, virtualServices: ConfigObject[], isPlatformNamespace: (namespace: string) => boolean) {
    this.scoping = gatewayScoping(snapshot);
    this.workloads = gatewayWorkloads(snapshot, isPlatformNamespace);
    // Workloads indexed by one label pair, so a selector only checks workloads sharing its first label.
    const byLabel = new Map<string, GatewayWorkload[]>();
    for (const workload of this.workloads) {
      for (const [key, value] of Object.entries(workload.labels)) {
        const list = byLabel.get(`${key}=${value}`) ?? [];
        list.push(workload);
        byLabel.set(`${key}=${value}`, list);
      }
    }
    const gatewaysOfWorkload = new Map<GatewayWorkload, K8sObject[]>();
    for (const object of [...snapshot.objects.Gateway].sort(compareByAge)) {
      const selector = gatewaySelectorOf(object);
      const first = selector ? Object.entries(selector)[0] : undefined;
      const candidates = first ? (byLabel.get(`${first[0]}=${first[1]}`) ?? []) : this.workloads;
      const workloads = candidates.filter((workload) => gatewaySelects(object, workload, this.scoping));
      const gateway: IngressGateway = { object, servers: serversOf(object), workloads };
      this.gateways.push(gateway);
      this.gatewayByName.set(`${object.metadata.namespace}/${object.metadata.name}`, gateway);
      for (const workload of workloads) {
        const list = gatewaysOfWorkload.get(workload) ?? [];
        list.push(object);
        gatewaysOfWorkload.set(workload, list);
      }
    }
    const classes = new Map<string, ProxyClass>();
    const classOfWorkload = new Map<GatewayWorkload, ProxyClass>();
    for (const [workload, gateways] of gatewaysOfWorkload) {
      const key = `${workload.namespace}|${gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).join(',')}`;
      let proxy = classes.get(key);
      if (!proxy) {
        proxy = { key, namespace: workload.namespace, workloads: [], gateways, skipped: new Set() };
        classes.set(key, proxy);
        this.proxyClasses.push(proxy);
      }
      proxy.workloads.push(workload);
      classOfWorkload.set(workload, proxy);
    }
    for (const proxy of this.proxyClasses) proxy.skipped = skippedServers(proxy.gateways.map((object) => this.gatewayOf(object)!.servers));
    // Oldest first, as Istio's push context sorts configs: bindings then read the same whatever the input order.
    for (const virtualService of [...virtualServices].sort((a, b) => compareByAge(a.object, b.object))) this.bind(virtualService, classOfWorkload);
  }

  private bind(virtualService: ConfigObject, classOfWorkload: Map<GatewayWorkload, ProxyClass>): void {
    const names = stringList(virtualService.object.spec.gateways) ?? [];
    for (const name of new Set(names.map((entry) => resolveGatewayName(entry, virtualService.namespace)))) {
      const gateway = this.gatewayByName.get(name);
      if (!gateway) continue;
      const proxies = new Set(gateway.workloads.map((workload) => classOfWorkload.get(workload)!));
      for (const proxy of proxies) {
        if (!isExportedTo(virtualService.exportTo.scope, virtualService.namespace, proxy.namespace)) continue;
        for (const server of gateway.servers) {
          if (proxy.skipped.has(server) || !usesServer(virtualService.object, server)) continue;
          for (const host of intersectNames(hostsForNamespace(server, virtualService.namespace), virtualService.hosts)) {
            const binding: Binding = { virtualService, gateway: gateway.object, server, proxy, routeConfig: routeConfigName(server), host };
            this.bindings.push(binding);
            const list = this.bindingsByGateway.get(gateway.object) ?? [];
            list.push(binding);
            this.bindingsByGateway.set(gateway.object, list);
          }
        }
      }
    }
  }

  gatewayOf(object: K8sObject): IngressGateway | undefined {
    return this.gatewayByName.get(`${object.metadata.namespace}/${object.metadata.name}`);
  }

  bindingsOf(gateway: K8sObject): Binding[] {
    return this.bindingsByGateway.get(gateway) ?? [];
  }

  /** Envoy virtual hosts with their VirtualServices in route order (one entry per VirtualService). */
  virtualHosts(): VirtualHostGroup[] {
    if (this.groupsCache) return this.groupsCache;
    // Grouped per proxy class object, then by route configuration and host: a class's key names
    // every Gateway it merges (a shared ingress proxy merges a Gateway per tenant), so a key
    // string per group, or a rank map per group, costs the Gateways times the hosts.
    const groups: VirtualHostGroup[] = [];
    const byProxy = new Map<ProxyClass, Map<string, VirtualHostGroup>>();
    for (const binding of this.bindings) {
      let ofProxy = byProxy.get(binding.proxy);
      if (!ofProxy) byProxy.set(binding.proxy, (ofProxy = new Map()));
      const key = `${binding.routeConfig}|${binding.host}`;
      let group = ofProxy.get(key);
      if (!group) {
        group = { host: binding.host, routeConfig: binding.routeConfig, proxy: binding.proxy, bindings: [] };
        ofProxy.set(key, group);
        groups.push(group);
      }
      group.bindings.push(binding);
    }
    const ranks = new Map<ProxyClass, Map<K8sObject, number>>();
    for (const group of groups) {
      // buildGatewayHTTPRouteConfig walks the servers of the merged Gateways (oldest Gateway
      // first, servers in order), and for each the VirtualServicesForGateway list; a
      // VirtualService bound through several servers keeps its first place.
      const namespace = group.proxy.namespace;
      let gatewayRank = ranks.get(group.proxy);
      if (!gatewayRank) ranks.set(group.proxy, (gatewayRank = new Map(group.proxy.gateways.map((gateway, index) => [gateway, index]))));
      const rank = gatewayRank;
      group.bindings.sort(
        (a, b) =>
          (rank.get(a.gateway) ?? 0) - (rank.get(b.gateway) ?? 0) ||
          a.server.index - b.server.index ||
          visibilityGroup(a.virtualService, namespace) - visibilityGroup(b.virtualService, namespace) ||
          compareByAge(a.virtualService.object, b.virtualService.object),
      );
      const seen = new Set<ConfigObject>();
      group.bindings = group.bindings.filter((binding) => !seen.has(binding.virtualService) && Boolean(seen.add(binding.virtualService)));
    }
    this.groupsCache = groups;
    return this.groupsCache;
  }
}

/**
 * IsCatchAllRoute for a VirtualService http route: no match, or a URI prefix `/` or regex
 * `.*` without header, query or other conditions. Envoy tries catch-all routes after every
 * other route of the virtual host (SortVHostRoutes).
 */
export function isCatchAllHttpRoute(route: unknown): boolean {
  if (!isRecord(route)) return false;
  const matches = Array.isArray(route.match) ? route.match.filter(isRecord) : [];
  if (matches.length === 0) return true;
  return matches.some((match) => {
    const keys = Object.keys(match).filter((key) => key !== 'name');
    if (keys.length === 0) return true;
    if (keys.length !== 1 || keys[0] !== 'uri' || !isRecord(match.uri)) return false;
    return match.uri.prefix === '/' || match.uri.regex === '.*';
  });
}
