/**
 * The Kubernetes Gateway API (gateway.networking.k8s.io) as Istio implements it
 * (pilot/pkg/config/kube/gateway, docs/semantics.md "Kubernetes Gateway API"):
 *
 * - Listeners admit routes from their own namespace (`allowedRoutes.namespaces.from: Same`,
 *   the default), from every namespace (`All`) or from namespaces whose labels match a
 *   selector (`Selector`; kubernetes.io/metadata.name is always set): namespacesFromSelector.
 * - A route attaches to a listener when its parentRef names the Gateway (and the listener's
 *   sectionName / port, when given), its namespace is admitted, one of its hostnames
 *   intersects the listener hostname (wildcards match both ways), and its kind is allowed by
 *   the listener protocol and allowedRoutes.kinds: referenceAllowed, GenerateGatewaySupportedKinds.
 * - Each route hostname becomes a virtual host: the intersection with the listener hostname.
 *   On a wildcard listener, hostnames a more specific listener of the same Gateway, port and
 *   protocol owns are dropped from HTTPRoutes and GRPCRoutes (hostnameAllowedByIsolation).
 * - From Istio 1.31, Conflicted listeners and HTTPS/TLS listeners without `tls` are not programmed.
 * - Gateways of a GatewayClass that does not exist, or of Istio's remote or waypoint class, have no
 *   listener a route can attach to (gatewayRoutesGenerated).
 * - Routes of one host on one parent are merged; among rules matching a request the spec's
 *   precedence applies (apis/v1/httproute_types.go): the more specific hostname, then Exact
 *   path, longer PathPrefix, method, more header matches, more query matches, then the oldest
 *   route by creationTimestamp, then "{namespace}/{name}" (sortRoutesByCreationTime,
 *   sortHTTPRoutes).
 * - A cross-namespace backendRef of a route attached to a Gateway needs a ReferenceGrant in
 *   the backend's namespace from that route kind and namespace, to that kind and (when the
 *   grant names one) that object: ReferenceGrants.BackendAllowed, buildDestination. Mesh
 *   routes do not check grants (buildDestination is called with enforceRefGrant=false).
 * - A route whose parentRef is a Service (GAMMA, GEP-1294 xRoutes Mesh Binding) configures the mesh: in the
 *   Service's own namespace it applies to every client (producer route); in another
 *   namespace only to that namespace's clients (consumer route): buildSidecarVirtualHostsForVirtualService
 *   ("Gateway allows only routes from the namespace of the proxy, or namespace of the destination").
 *
 * Pure functions over the snapshot; nothing here throws on odd input (wrong types were
 * already set aside by the schema check).
 */
import type { ClusterSnapshot, IstioVersion, K8sObject } from '../snapshot/types.js';
import { GATEWAY_API_GROUP } from '../snapshot/kinds.js';
import { byteOrder, isRecord, stringList } from './accessors.js';
import { HostIndex, hostMatches, hostsOverlap, isWildcard, serviceHostname } from './hosts.js';
import { namespaceSelectorLabels, parseLabelSelector, selectorMatches, type ParsedSelector } from './label-selectors.js';
import { versionAtLeast } from './version.js';

export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

export type NamespacesFrom = 'Same' | 'All' | 'Selector';

export interface Listener {
  gateway: K8sObject;
  /** `namespace/gateway/listener`, for keys and evidence. */
  id: string;
  name: string;
  /** Lower-cased; undefined = any hostname. */
  hostname?: string;
  port: number;
  protocol: string;
  tlsMode?: string;
  from: NamespacesFrom;
  /** For `Selector`. */
  selector?: ParsedSelector;
  /** Route kinds this listener accepts (protocol defaults intersected with allowedRoutes.kinds). */
  kinds: RouteKind[];
}

export interface HttpMatch {
  pathType: 'Exact' | 'PathPrefix' | 'RegularExpression';
  /** Normalised: a PathPrefix has no trailing `/` (except `/` itself), as createURIMatch does. */
  path: string;
  method?: string;
  headers: Array<{ name: string; type: string; value: string }>;
  queryParams: Array<{ name: string; type: string; value: string }>;
  /** TLSRoute / TCPRoute rules match every connection of their hostname. */
  l4?: boolean;
  /** A rule without matches: Istio's route has no match and sorts after every route that has one (sortHTTPRoutes). */
  implicit?: boolean;
  /** A GRPCRoute match without a method: no URI match (getURIRank -1). */
  noUri?: boolean;
  /** Length getURILength counts when it differs from `path` (a gRPC service prefix is `/Service/`). */
  uriLength?: number;
}

export interface Route {
  object: K8sObject;
  kind: RouteKind;
  namespace: string;
  /** Lower-cased; empty = every hostname. */
  hostnames: string[];
  /** Matches per rule (a rule without matches matches `PathPrefix /`). */
  rules: HttpMatch[][];
}

export interface ParentRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

/** A route attached to a listener, with the virtual hosts it serves there. */
export interface Attachment {
  route: Route;
  listener: Listener;
  /** Intersections of the route hostnames with the listener hostname, lower-cased; empty when Listener Isolation leaves none. */
  hosts: string[];
  /**
   * For each of `hosts`, the route hostnames (`*` when the route has none) it came from: Istio
   * builds one VirtualService per route hostname, so two routes share a merged VirtualService
   * only when they have the same hostname entry (route_collections.go, key `parent/hostname`).
   */
  sources: Record<string, string[]>;
}

/** A route's mesh parent (GAMMA): the Service (or ServiceEntry) hosts it configures. */
export interface MeshRoute {
  route: Route;
  parent: ParentRef;
  /** Namespace of the Service or ServiceEntry. */
  serviceNamespace: string;
  hosts: string[];
  /** Producer route: in the Service's own namespace, so it applies to every client. */
  producer: boolean;
}

export interface BackendReference {
  route: Route;
  ruleIndex: number;
  group: string;
  kind: string;
  name: string;
  namespace: string;
  port?: number;
  crossNamespace: boolean;
  /** For cross-namespace references of Gateway-attached routes: the grants allowing it (empty = none). */
  grants: K8sObject[];
}

/** A listener's TLS certificate (Secret) reference: cross-namespace ones need a ReferenceGrant too. */
export interface CertificateReference {
  gateway: K8sObject;
  listener: string;
  group: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface GrantEntry {
  grant: K8sObject;
  from: Array<{ group: string; kind: string; namespace: string }>;
  to: Array<{ group: string; kind: string; name?: string }>;
}

const HBONE = 'HBONE';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** Supported route kinds of a listener (GenerateGatewaySupportedKinds). */
function listenerKinds(protocol: string, tlsMode: string | undefined, allowedRoutes: unknown): RouteKind[] {
  let supported: RouteKind[] = [];
  if (protocol === 'HTTP' || protocol === 'HTTPS') supported = ['HTTPRoute', 'GRPCRoute'];
  else if (protocol === 'TCP') supported = ['TCPRoute'];
  else if (protocol === 'TLS') supported = tlsMode === 'Terminate' ? ['TLSRoute', 'TCPRoute'] : ['TLSRoute'];
  const kinds = isRecord(allowedRoutes) && Array.isArray(allowedRoutes.kinds) ? allowedRoutes.kinds.filter(isRecord) : [];
  if (kinds.length === 0) return supported;
  return supported.filter((kind) => kinds.some((entry) => entry.kind === kind && (text(entry.group) ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP));
}

export function listenersOf(gateway: K8sObject): Listener[] {
  const listeners = Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners.filter(isRecord) : [];
  const out: Listener[] = [];
  for (const listener of listeners) {
    const name = text(listener.name) ?? '';
    const port = integer(listener.port);
    const protocol = text(listener.protocol) ?? '';
    if (port === undefined || protocol === HBONE) continue;
    const tlsMode = isRecord(listener.tls) ? (text(listener.tls.mode) ?? 'Terminate') : undefined;
    const allowedRoutes = listener.allowedRoutes;
    const namespaces = isRecord(allowedRoutes) && isRecord(allowedRoutes.namespaces) ? allowedRoutes.namespaces : undefined;
    const fromValue = text(namespaces?.from);
    const from: NamespacesFrom = fromValue === 'All' || fromValue === 'Selector' ? fromValue : 'Same';
    out.push({
      gateway,
      id: `${gateway.metadata.namespace}/${gateway.metadata.name}/${name}`,
      name,
      hostname: text(listener.hostname)?.toLowerCase(),
      port,
      protocol,
      tlsMode,
      from,
      // `Selector` without a selector is invalid; Istio then admits every namespace.
      selector: from === 'Selector' ? (namespaces?.selector === undefined ? { valid: true, requirements: [] } : parseLabelSelector(namespaces.selector)) : undefined,
      kinds: listenerKinds(protocol, tlsMode, allowedRoutes),
    });
  }
  return out;
}

const L4_PROTOCOLS = new Set(['TCP', 'UDP']);
const HTTP_LIKE_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TLS']);

/** listenersDistinct (gatewaycommon/listener_conflict.go): can two listeners of one Gateway coexist? */
function listenersDistinct(a: Listener, b: Listener): boolean {
  if (a.port !== b.port) return true;
  const l4 = (listener: Listener) => L4_PROTOCOLS.has(listener.protocol);
  const httpLike = (listener: Listener) => HTTP_LIKE_PROTOCOLS.has(listener.protocol);
  if ((l4(a) && (l4(b) || httpLike(b))) || (httpLike(a) && l4(b))) return false;
  if (httpLike(a) && httpLike(b)) return (a.hostname ?? '*') !== (b.hostname ?? '*');
  return a.protocol !== b.protocol;
}

/**
 * The listeners of one Gateway Istio programs, i.e. that routes can attach to and that take part in
 * Listener Isolation (gateway_collection.go GatewayCollection). From 1.31 on, a listener that is
 * not distinct from an earlier accepted one (same port: TCP/UDP beside anything else, or two
 * HTTP/HTTPS/TLS listeners with the same hostname) is Conflicted and skipped
 * (ComputeGatewayListenerConflicts: the first listener wins), and an HTTPS or TLS listener without
 * a `tls` block gets no server (buildListener). Before 1.31 every listener is programmed.
 */
export function programmedListeners(listeners: Listener[], version: IstioVersion): Listener[] {
  if (!versionAtLeast(version, 1, 31)) return listeners;
  const accepted: Listener[] = [];
  for (const listener of listeners) if (accepted.every((prior) => listenersDistinct(listener, prior))) accepted.push(listener);
  return accepted.filter((listener) => listener.tlsMode !== undefined || (listener.protocol !== 'HTTPS' && listener.protocol !== 'TLS'));
}

/** Istio's own GatewayClasses (constants.go) and the controllers of those that generate no route config. */
const ISTIO_BUILT_IN_CLASSES: Record<string, string> = {
  istio: 'istio.io/gateway-controller',
  'istio-remote': 'istio.io/unmanaged-gateway',
  'istio-waypoint': 'istio.io/mesh-controller',
  'istio-east-west': 'istio.io/eastwest-controller',
};
/** UnmanagedGatewayController: DisableRouteGeneration; ManagedGatewayMeshController: waypoints get no parentInfo (GatewayCollection). */
const NO_ROUTE_CONTROLLERS = new Set(['istio.io/unmanaged-gateway', 'istio.io/mesh-controller']);

/**
 * Does anything route traffic for this Gateway (gateway_collection.go GatewayCollection)? Not when
 * its GatewayClass is Istio's remote (`istio-remote`) or waypoint class, which produce no
 * listener routes can attach to, nor when the class does not exist: `classes` are the snapshot's
 * GatewayClasses, trusted only when there are some (a live listing, or manifests that define
 * classes), and Istio's built-in class names count as existing (istiod creates them). A class of
 * another controller is kept: that implementation follows the same attachment rules.
 */
export function gatewayRoutesGenerated(gateway: K8sObject, classes: ReadonlyMap<string, K8sObject>): boolean {
  const className = text(gateway.spec.gatewayClassName) ?? '';
  const gatewayClass = classes.get(className);
  const controller = gatewayClass ? text(gatewayClass.spec.controllerName) : ISTIO_BUILT_IN_CLASSES[className];
  if (controller !== undefined) return !NO_ROUTE_CONTROLLERS.has(controller);
  return classes.size === 0;
}

/** Does the listener admit routes from `namespace` (namespacesFromSelector)? `labels` are the Namespace's labels. */
export function listenerAdmits(listener: Listener, namespace: string, labels: Record<string, string>): boolean {
  if (listener.from === 'All') return true;
  if (listener.from === 'Same') return namespace === listener.gateway.metadata.namespace;
  return selectorMatches(listener.selector!, namespaceSelectorLabels(namespace, labels));
}

function nameValues(value: unknown): HttpMatch['headers'] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((entry) => ({ name: text(entry.name) ?? '', type: text(entry.type) ?? 'Exact', value: typeof entry.value === 'string' ? entry.value : '' }));
}

const CATCH_ALL: HttpMatch = { pathType: 'PathPrefix', path: '/', headers: [], queryParams: [] };
/** A rule without matches (Istio's route then has no match at all). */
const IMPLICIT_CATCH_ALL: HttpMatch = { ...CATCH_ALL, implicit: true };

/** HTTPRoute match -> Istio's URI match (createURIMatch): PathPrefix loses a trailing `/`. */
function httpMatch(match: Record<string, unknown>): HttpMatch {
  const path = isRecord(match.path) ? match.path : {};
  const type = text(path.type);
  const pathType: HttpMatch['pathType'] = type === 'Exact' || type === 'RegularExpression' ? type : 'PathPrefix';
  let value = typeof path.value === 'string' ? path.value : '/';
  if (pathType === 'PathPrefix' && value !== '/' && value.endsWith('/')) value = value.slice(0, -1);
  return { pathType, path: value, method: text(match.method), headers: nameValues(match.headers), queryParams: nameValues(match.queryParams) };
}

/** GRPCRoute match -> the URI match Istio generates (createGRPCURIMatch): `/Service/Method`. */
function grpcMatch(match: Record<string, unknown>): HttpMatch {
  const method = isRecord(match.method) ? match.method : undefined;
  const headers = nameValues(match.headers);
  if (!method) return { ...CATCH_ALL, headers, noUri: true };
  const service = text(method.service);
  const name = text(method.method);
  const regex = method.type === 'RegularExpression';
  if (!regex && service && name) return { pathType: 'Exact', path: `/${service}/${name}`, headers, queryParams: [] };
  // Istio's prefix is `/Service/`; kept without the slash here so path elements compare, with Istio's length for ranking.
  if (!regex && service) return { pathType: 'PathPrefix', path: `/${service}`, headers, queryParams: [], uriLength: service.length + 2 };
  return { pathType: 'RegularExpression', path: `/${service ?? '[^/]+'}/${name ?? '.+'}`, headers, queryParams: [] };
}

export function routeOf(object: K8sObject): Route {
  const kind = object.snapshotKind as RouteKind;
  const rules = Array.isArray(object.spec.rules) ? object.spec.rules.filter(isRecord) : [];
  const l4 = kind === 'TLSRoute' || kind === 'TCPRoute';
  return {
    object,
    kind,
    namespace: object.metadata.namespace,
    hostnames: kind === 'TCPRoute' ? [] : (stringList(object.spec.hostnames) ?? []).map((host) => host.toLowerCase()),
    rules: rules.map((rule) => {
      if (l4) return [{ ...CATCH_ALL, l4: true }];
      const matches = Array.isArray(rule.matches) ? rule.matches.filter(isRecord) : [];
      if (matches.length === 0) return [IMPLICIT_CATCH_ALL];
      return matches.map((match) => (kind === 'GRPCRoute' ? grpcMatch(match) : httpMatch(match)));
    }),
  };
}

export function parentRefsOf(route: Route): ParentRef[] {
  const refs = Array.isArray(route.object.spec.parentRefs) ? route.object.spec.parentRefs.filter(isRecord) : [];
  return refs.flatMap((ref) => {
    const name = text(ref.name);
    if (!name) return [];
    return [{
      group: typeof ref.group === 'string' ? ref.group : GATEWAY_API_GROUP,
      kind: text(ref.kind) ?? 'Gateway',
      namespace: text(ref.namespace) ?? route.namespace,
      name,
      sectionName: text(ref.sectionName),
      port: integer(ref.port),
    }];
  });
}

function isGatewayParent(ref: ParentRef): boolean {
  return ref.group === GATEWAY_API_GROUP && ref.kind === 'Gateway';
}

function isServiceParent(ref: ParentRef): boolean {
  return (ref.group === '' || ref.group === 'core') && ref.kind === 'Service';
}

function isServiceEntryParent(ref: ParentRef): boolean {
  return ref.group === 'networking.istio.io' && ref.kind === 'ServiceEntry';
}

/** The more specific of two overlapping hostnames (their intersection). */
export function intersectHosts(a: string, b: string): string | undefined {
  if (hostMatches(a, b)) return b;
  if (hostMatches(b, a)) return a;
  return undefined;
}

/**
 * hostnameAllowedByIsolation: on a listener whose hostname is a wildcard (or absent), a route
 * hostname that a more specific listener of the same Gateway, port and protocol covers
 * belongs to that listener only.
 */
function allowedByIsolation(routeHost: string, listener: Listener, siblings: Listener[]): boolean {
  const ours = listener.hostname ?? '';
  if (ours && !isWildcard(ours)) return true;
  if (ours && !hostsOverlap(routeHost, ours)) return false;
  for (const other of siblings) {
    if (other === listener || other.port !== listener.port || other.protocol !== listener.protocol) continue;
    const theirs = other.hostname ?? '';
    if (!theirs || theirs === ours || ours.length > theirs.length) continue;
    if (hostMatches(theirs, routeHost)) return false;
  }
  return true;
}

export type DenialReason = 'gateway-not-found' | 'gateway-not-served' | 'no-matching-listener' | 'namespace-not-allowed' | 'no-matching-hostname' | 'kind-not-allowed';

export interface Denial {
  route: Route;
  parent: ParentRef;
  reason: DenialReason;
}

/** Gateway API objects of a snapshot with their attachments, computed once. */
export class GatewayApiModel {
  readonly listeners: Listener[] = [];
  readonly routes: Route[] = [];
  readonly attachments: Attachment[] = [];
  readonly denials: Denial[] = [];
  readonly meshRoutes: MeshRoute[] = [];
  readonly grants: GrantEntry[] = [];
  private readonly attachmentsByListener = new Map<Listener, Attachment[]>();
  private readonly listenersByGateway = new Map<string, Listener[]>();
  /** `namespace \0 from group \0 from kind \0 from namespace` -> grants of that namespace with such a `from` entry, in snapshot order. */
  private readonly grantsByFrom = new Map<string, GrantEntry[]>();
  /** `namespace/name` of Gateways no controller routes for (gatewayRoutesGenerated). */
  private readonly unservedGateways = new Set<string>();
  private backendCache?: BackendReference[];
  private backendsByGrant?: Map<K8sObject, BackendReference[]>;
  private certificateCache?: CertificateReference[];
  private certificatesByNamespaces?: Map<string, CertificateReference[]>;

  constructor(private readonly snapshot: ClusterSnapshot) {
    const classesKnown = snapshot.coverage.GatewayClass?.status !== 'forbidden' && snapshot.coverage.GatewayClass?.status !== 'failed';
    const classes = new Map(classesKnown ? snapshot.objects.GatewayClass.map((gatewayClass) => [gatewayClass.metadata.name, gatewayClass]) : []);
    for (const gateway of snapshot.objects.KubernetesGateway) {
      if (!gatewayRoutesGenerated(gateway, classes)) {
        this.unservedGateways.add(`${gateway.metadata.namespace}/${gateway.metadata.name}`);
        continue;
      }
      const listeners = programmedListeners(listenersOf(gateway), snapshot.istioVersion);
      this.listeners.push(...listeners);
      this.listenersByGateway.set(`${gateway.metadata.namespace}/${gateway.metadata.name}`, listeners);
    }
    for (const grant of snapshot.objects.ReferenceGrant) {
      const entry = grantEntryOf(grant);
      this.grants.push(entry);
      const keys = new Set(entry.from.map((from) => grantKey(grant.metadata.namespace, from)));
      for (const key of keys) {
        const list = this.grantsByFrom.get(key) ?? [];
        list.push(entry);
        this.grantsByFrom.set(key, list);
      }
    }
    // Indexed on the first route that names a Service or a ServiceEntry as its parent: most
    // clusters have no such route, and these are keys for every Service and ServiceEntry.
    let services: Set<string> | undefined;
    let serviceEntries: Map<string, K8sObject> | undefined;
    const servicesKnown = snapshot.coverage.Service?.status !== 'forbidden' && snapshot.coverage.Service?.status !== 'failed';
    for (const kind of ROUTE_KINDS) {
      for (const object of snapshot.objects[kind]) {
        const route = routeOf(object);
        this.routes.push(route);
        for (const parent of parentRefsOf(route)) {
          if (isGatewayParent(parent)) this.attach(route, parent);
          else if (isServiceParent(parent)) {
            // A route to a missing Service is not accepted (referenceAllowed "parent service not found").
            services ??= new Set(snapshot.objects.Service.map((service) => `${service.metadata.namespace}/${service.metadata.name}`));
            if (servicesKnown && !services.has(`${parent.namespace}/${parent.name}`)) continue;
            this.meshRoutes.push({ route, parent, serviceNamespace: parent.namespace, hosts: [serviceHostname(parent.name, parent.namespace, snapshot.clusterDomain)], producer: parent.namespace === route.namespace });
          } else if (isServiceEntryParent(parent)) {
            serviceEntries ??= new Map(snapshot.objects.ServiceEntry.map((serviceEntry) => [`${serviceEntry.metadata.namespace}/${serviceEntry.metadata.name}`, serviceEntry]));
            const entry = serviceEntries.get(`${parent.namespace}/${parent.name}`);
            if (!entry) continue;
            const hosts = (stringList(entry.spec.hosts) ?? []).map((host) => host.toLowerCase());
            this.meshRoutes.push({ route, parent, serviceNamespace: parent.namespace, hosts, producer: parent.namespace === route.namespace });
          }
        }
      }
    }
  }

  private namespaceLabels(namespace: string): Record<string, string> {
    return this.snapshot.namespaces.get(namespace)?.labels ?? {};
  }

  /** referenceAllowed for every listener of the parent Gateway; the route attaches where nothing denies it. */
  private attach(route: Route, parent: ParentRef): void {
    const listeners = this.listenersByGateway.get(`${parent.namespace}/${parent.name}`);
    if (!listeners) {
      this.denials.push({ route, parent, reason: this.unservedGateways.has(`${parent.namespace}/${parent.name}`) ? 'gateway-not-served' : 'gateway-not-found' });
      return;
    }
    const candidates = listeners.filter((listener) => (parent.port === undefined || parent.port === listener.port) && (parent.sectionName === undefined || parent.sectionName === listener.name));
    if (candidates.length === 0) {
      this.denials.push({ route, parent, reason: 'no-matching-listener' });
      return;
    }
    let denial: DenialReason | undefined;
    let attached = false;
    const routeHosts = route.hostnames.length > 0 ? route.hostnames : ['*'];
    // Istio applies Listener Isolation to HTTPRoutes and GRPCRoutes only (HTTPRouteCollection,
    // GRPCRouteCollection); a TLSRoute keeps every hostname that intersects the listener's (TLSRouteCollection).
    const isolated = route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute';
    for (const listener of candidates) {
      const listenerHost = listener.hostname ?? '*';
      const hostMatched = routeHosts.some((host) => hostsOverlap(host, listenerHost));
      if (!listenerAdmits(listener, route.namespace, this.namespaceLabels(route.namespace))) {
        denial ??= hostMatched ? 'namespace-not-allowed' : 'no-matching-hostname';
        continue;
      }
      if (!hostMatched) {
        denial ??= 'no-matching-hostname';
        continue;
      }
      if (!listener.kinds.includes(route.kind)) {
        denial ??= 'kind-not-allowed';
        continue;
      }
      const sources: Record<string, string[]> = {};
      for (const host of routeHosts) {
        if (isolated && !allowedByIsolation(host, listener, listeners)) continue;
        const intersection = intersectHosts(host, listenerHost);
        if (intersection) (sources[intersection] ??= []).push(host);
      }
      // Listener Isolation may leave no hostname: the route is still Accepted there and counted in
      // attachedRoutes (gatewayRouteAttachmentCountCollection counts accepted parents), it serves nothing.
      const hosts = Object.keys(sources).sort();
      const attachment: Attachment = { route, listener, hosts, sources };
      this.attachments.push(attachment);
      const list = this.attachmentsByListener.get(listener) ?? [];
      list.push(attachment);
      this.attachmentsByListener.set(listener, list);
      attached = true;
    }
    if (!attached && denial) this.denials.push({ route, parent, reason: denial });
  }

  attachmentsOf(listener: Listener): Attachment[] {
    return this.attachmentsByListener.get(listener) ?? [];
  }

  /** Routes with at least one Gateway parentRef (their backends need ReferenceGrants). */
  private gatewayRoutes(): Set<Route> {
    const out = new Set<Route>();
    for (const route of this.routes) if (parentRefsOf(route).some(isGatewayParent)) out.add(route);
    return out;
  }

  /** Grants in `namespace` letting `route` reference `kind`/`name` there (BackendAllowed). */
  grantsFor(from: { group: string; kind: string; namespace: string }, to: { namespace: string; group: string; kind: string; name: string }): K8sObject[] {
    const out: K8sObject[] = [];
    // Only the grants with a matching `from` entry: a shared namespace may hold a grant per consumer.
    for (const entry of this.grantsByFrom.get(grantKey(to.namespace, from)) ?? []) {
      if (entry.to.some((candidate) => candidate.group === to.group && candidate.kind === to.kind && (candidate.name === undefined || candidate.name === to.name))) out.push(entry.grant);
    }
    return out;
  }

  /** Every backendRef of every route, with the grants that allow the cross-namespace ones of Gateway routes. */
  backendReferences(): BackendReference[] {
    if (this.backendCache) return this.backendCache;
    const gatewayRoutes = this.gatewayRoutes();
    const out: BackendReference[] = [];
    for (const route of this.routes) {
      const rules = Array.isArray(route.object.spec.rules) ? route.object.spec.rules : [];
      rules.forEach((rule, ruleIndex) => {
        const refs = isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs.filter(isRecord) : [];
        for (const ref of refs) {
          const name = text(ref.name);
          if (!name) continue;
          const group = typeof ref.group === 'string' ? ref.group : '';
          const kind = text(ref.kind) ?? 'Service';
          const namespace = text(ref.namespace) ?? route.namespace;
          const crossNamespace = namespace !== route.namespace;
          const grants = crossNamespace && gatewayRoutes.has(route) ? this.grantsFor({ group: GATEWAY_API_GROUP, kind: route.kind, namespace: route.namespace }, { namespace, group, kind, name }) : [];
          out.push({ route, ruleIndex, group, kind, name, namespace, port: integer(ref.port), crossNamespace, grants });
        }
      });
    }
    this.backendCache = out;
    return out;
  }

  /** The backend references a grant allows (those listing it in `grants`), indexed once: rules ask per grant. */
  backendReferencesAllowedBy(grant: K8sObject): readonly BackendReference[] {
    if (!this.backendsByGrant) {
      this.backendsByGrant = new Map();
      for (const ref of this.backendReferences()) {
        for (const allowing of ref.grants) {
          const list = this.backendsByGrant.get(allowing) ?? [];
          list.push(ref);
          this.backendsByGrant.set(allowing, list);
        }
      }
    }
    return this.backendsByGrant.get(grant) ?? [];
  }

  /** Certificate references into `namespace` made by listeners of Gateways in `gatewayNamespace`. */
  certificateReferencesInto(namespace: string, gatewayNamespace: string): readonly CertificateReference[] {
    if (!this.certificatesByNamespaces) {
      this.certificatesByNamespaces = new Map();
      for (const ref of this.certificateReferences()) {
        const key = `${ref.namespace}\u0000${ref.gateway.metadata.namespace}`;
        const list = this.certificatesByNamespaces.get(key) ?? [];
        list.push(ref);
        this.certificatesByNamespaces.set(key, list);
      }
    }
    return this.certificatesByNamespaces.get(`${namespace}\u0000${gatewayNamespace}`) ?? [];
  }

  /** Listener certificateRefs (Secrets by default), for what a Secret ReferenceGrant is used by. */
  certificateReferences(): CertificateReference[] {
    if (this.certificateCache) return this.certificateCache;
    const out: CertificateReference[] = [];
    for (const gateway of this.snapshot.objects.KubernetesGateway) {
      const listeners = Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners.filter(isRecord) : [];
      for (const listener of listeners) {
        const refs = isRecord(listener.tls) && Array.isArray(listener.tls.certificateRefs) ? listener.tls.certificateRefs.filter(isRecord) : [];
        for (const ref of refs) {
          const name = text(ref.name);
          if (!name) continue;
          out.push({ gateway, listener: text(listener.name) ?? '', group: typeof ref.group === 'string' ? ref.group : '', kind: text(ref.kind) ?? 'Secret', name, namespace: text(ref.namespace) ?? gateway.metadata.namespace });
        }
      }
    }
    this.certificateCache = out;
    return out;
  }

  /** Cross-namespace backends of Gateway routes that no ReferenceGrant allows: Istio drops them (ResolvedRefs=False, RefNotPermitted). */
  unpermittedBackends(): BackendReference[] {
    const gatewayRoutes = this.gatewayRoutes();
    return this.backendReferences().filter((ref) => ref.crossNamespace && gatewayRoutes.has(ref.route) && ref.grants.length === 0);
  }
}

function grantKey(namespace: string, from: { group: string; kind: string; namespace: string }): string {
  return `${namespace}\u0000${from.group}\u0000${from.kind}\u0000${from.namespace}`;
}

function grantEntryOf(grant: K8sObject): GrantEntry {
  const list = (value: unknown) => (Array.isArray(value) ? value.filter(isRecord) : []);
  return {
    grant,
    from: list(grant.spec.from).flatMap((entry) => {
      const kind = text(entry.kind);
      const namespace = text(entry.namespace);
      return kind && namespace ? [{ group: typeof entry.group === 'string' ? entry.group : '', kind, namespace }] : [];
    }),
    to: list(grant.spec.to).flatMap((entry) => {
      const kind = text(entry.kind);
      return kind ? [{ group: typeof entry.group === 'string' ? entry.group : '', kind, name: text(entry.name) }] : [];
    }),
  };
}

// --- route precedence -----------------------------------------------------------------------

const PATH_RANK: Record<HttpMatch['pathType'], number> = { Exact: 3, PathPrefix: 2, RegularExpression: 1 };

function uriRank(match: HttpMatch): number {
  return match.noUri ? -1 : PATH_RANK[match.pathType];
}

function uriLength(match: HttpMatch): number {
  if (match.noUri) return 0;
  return match.uriLength ?? match.path.length;
}

/**
 * sortHTTPRoutes (pilot/pkg/config/kube/gateway/conversion.go), the spec's order of matches
 * inside one merged VirtualService: a rule without matches last, then Exact > PathPrefix >
 * RegularExpression (getURIRank), longer path (getURILength), a method, more headers, more
 * query parameters. Negative when `a` comes first.
 */
export function compareMatchPrecedence(a: HttpMatch, b: HttpMatch): number {
  if (Boolean(a.implicit) !== Boolean(b.implicit)) return a.implicit ? 1 : -1;
  if (a.implicit && b.implicit) return 0;
  return (
    uriRank(b) - uriRank(a) ||
    uriLength(b) - uriLength(a) ||
    Number(b.method !== undefined) - Number(a.method !== undefined) ||
    b.headers.length - a.headers.length ||
    b.queryParams.length - a.queryParams.length
  );
}

/**
 * IsCatchAllRoute (pilot/pkg/networking/core/route/route.go): prefix `/` or regex `.*` with no
 * header or query match (a method is a `:method` header match). Envoy tries these after every
 * other route of the virtual host (SortVHostRoutes), whatever the Gateway API precedence says.
 */
export function isCatchAllMatch(match: HttpMatch): boolean {
  if (match.l4) return false;
  const uriCatchAll = match.noUri || match.implicit || (match.pathType === 'PathPrefix' && match.path === '/') || (match.pathType === 'RegularExpression' && match.path === '.*');
  return Boolean(uriCatchAll) && match.method === undefined && match.headers.length === 0 && match.queryParams.length === 0;
}

/** A PathPrefix matches element-wise: `/foo` matches `/foo` and `/foo/bar`, not `/foobar`. */
function prefixCovers(prefix: string, path: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

function pathsOverlap(a: HttpMatch, b: HttpMatch): boolean {
  if (a.pathType === 'RegularExpression' || b.pathType === 'RegularExpression') return true;
  if (a.pathType === 'Exact' && b.pathType === 'Exact') return a.path === b.path;
  if (a.pathType === 'Exact') return prefixCovers(b.path, a.path);
  if (b.pathType === 'Exact') return prefixCovers(a.path, b.path);
  return prefixCovers(a.path, b.path) || prefixCovers(b.path, a.path);
}

function exactValuesConflict(a: HttpMatch['headers'], b: HttpMatch['headers'], caseInsensitiveNames: boolean): boolean {
  const norm = (name: string) => (caseInsensitiveNames ? name.toLowerCase() : name);
  for (const left of a) {
    if (left.type !== 'Exact') continue;
    if (b.some((right) => right.type === 'Exact' && norm(right.name) === norm(left.name) && right.value !== left.value)) return true;
  }
  return false;
}

/** Can one request satisfy both matches? Regular expressions are assumed to overlap (not decidable here). */
export function matchesOverlap(a: HttpMatch, b: HttpMatch): boolean {
  if (a.l4 || b.l4) return true;
  if (!pathsOverlap(a, b)) return false;
  if (a.method !== undefined && b.method !== undefined && a.method !== b.method) return false;
  if (exactValuesConflict(a.headers, b.headers, true)) return false;
  return !exactValuesConflict(a.queryParams, b.queryParams, false);
}

export function describeMatch(match: HttpMatch): string {
  if (match.l4) return 'every connection';
  const parts = [`${match.pathType} ${match.path}`];
  if (match.method) parts.push(match.method);
  if (match.headers.length > 0) parts.push(`${match.headers.length} header match${match.headers.length === 1 ? '' : 'es'}`);
  if (match.queryParams.length > 0) parts.push(`${match.queryParams.length} query match${match.queryParams.length === 1 ? '' : 'es'}`);
  return parts.join(', ');
}

/**
 * Route order for ties (spec: oldest creationTimestamp, then "{namespace}/{name}";
 * sortRoutesByCreationTime). Offline manifests often have no timestamp: two routes without
 * one are ordered by namespace/name, and the result says the time was unknown.
 */
export function compareRouteAge(a: K8sObject, b: K8sObject): { order: number; by: 'creation-timestamp' | 'name'; timestampsKnown: boolean } {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : Number.NaN;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : Number.NaN;
  const known = !Number.isNaN(ta) && !Number.isNaN(tb);
  if (known && ta !== tb) return { order: ta < tb ? -1 : 1, by: 'creation-timestamp', timestampsKnown: true };
  // Go's cmp.Compare on strings: byte order, not the locale's.
  const order = byteOrder(a.metadata.namespace, b.metadata.namespace) || byteOrder(a.metadata.name, b.metadata.name);
  return { order, by: 'name', timestampsKnown: known };
}

export type ConflictDecision = 'hostname' | 'catch-all' | 'match' | 'virtual-service-order' | 'creation-timestamp' | 'name' | 'listener-order';

/** Two routes of different namespaces competing for the same requests on one listener. */
export interface RouteConflict {
  listener: Listener;
  winner: Route;
  loser: Route;
  /** The requests' hostname (the more specific of the two virtual hosts). */
  host: string;
  winnerMatch: HttpMatch;
  loserMatch: HttpMatch;
  decidedBy: ConflictDecision;
  /** False when the tie was broken by name because a creationTimestamp is missing. */
  timestampsKnown: boolean;
  /** The winner's listener when it is not `listener` (the loser's): passthrough SNI names shared by two listeners. */
  winnerListener?: Listener;
}

interface MatchEntry {
  route: Route;
  host: string;
  match: HttpMatch;
  /** Which Istio VirtualService the match lands in: route family and route hostname entry. */
  virtualService: string;
}

/** First path segment of a match, or '' for matches that can cover any path. */
function bucketOf(match: HttpMatch): string {
  if (match.l4 || match.pathType === 'RegularExpression' || match.path === '/') return '';
  const segment = match.path.split('/')[1] ?? '';
  return segment;
}

/**
 * Decides one overlapping pair on the same Envoy virtual host, in Istio's order:
 * - a catch-all match comes after any other (SortVHostRoutes);
 * - in one merged VirtualService (same route family and hostname entry: mergeHTTPRoutes),
 *   sortHTTPRoutes' precedence, then the older route (sortRoutesByCreationTime);
 * - across VirtualServices merged into one virtual host (a wildcard entry and an exact one
 *   meeting on a listener hostname), the routes of the older
 *   VirtualService come first whatever their matches (buildGatewayHTTPRouteConfig appends
 *   them in creation order).
 */
function decide(a: MatchEntry, b: MatchEntry): { winner: MatchEntry; loser: MatchEntry; decidedBy: ConflictDecision; timestampsKnown: boolean } {
  const pick = (aFirst: boolean) => (aFirst ? { winner: a, loser: b } : { winner: b, loser: a });
  const sameVirtualService = a.virtualService === b.virtualService || Boolean(a.match.l4) || Boolean(b.match.l4);
  const byMatch = compareMatchPrecedence(a.match, b.match);
  const catchAllA = isCatchAllMatch(a.match);
  if (catchAllA !== isCatchAllMatch(b.match)) {
    // Say 'match' when the spec's precedence agrees; 'catch-all' where only Istio's reordering decides.
    const agrees = sameVirtualService && byMatch !== 0 && byMatch < 0 === !catchAllA;
    return { ...pick(!catchAllA), decidedBy: agrees ? 'match' : 'catch-all', timestampsKnown: true };
  }
  const age = compareRouteAge(a.route.object, b.route.object);
  if (!sameVirtualService) return { ...pick(age.order <= 0), decidedBy: 'virtual-service-order', timestampsKnown: age.timestampsKnown };
  if (byMatch !== 0) return { ...pick(byMatch < 0), decidedBy: 'match', timestampsKnown: true };
  return { ...pick(age.order <= 0), decidedBy: age.by, timestampsKnown: age.timestampsKnown };
}

/** HTTPRoutes and GRPCRoutes are merged into the same VirtualServices (controller.go, HTTPAndGRPCMerged). */
function routeFamily(route: Route): string {
  return route.kind === 'GRPCRoute' || route.kind === 'HTTPRoute' ? 'http' : route.kind;
}

/**
 * Conflicts between routes of different namespaces (as decided by `differ`) on one
 * listener. Same virtual host: pairs of overlapping matches, decided by the spec's match
 * precedence, then age. Overlapping hostnames: the more specific hostname takes every request
 * to it (Envoy picks the virtual host first). Matches are bucketed by first path segment so
 * only matches that can overlap are compared, and each (winner, loser) pair is reported once
 * per host: both directions when each route wins some of the other's requests.
 */
export function listenerConflicts(listener: Listener, attachments: Attachment[], differ: (a: Route, b: Route) => boolean): RouteConflict[] {
  const conflicts: RouteConflict[] = [];
  const seenPairs = new Set<string>();
  const pairKey = (a: Route, b: Route, host: string) => `${a.namespace}/${a.object.metadata.name}\u0000${b.namespace}/${b.object.metadata.name}\u0000${host}`;
  const byHost = new Map<string, MatchEntry[]>();
  const hostIndex = new HostIndex<{ route: Route; host: string }>();
  for (const attachment of attachments) {
    for (const host of attachment.hosts) {
      hostIndex.add(host, { route: attachment.route, host });
      const list = byHost.get(host) ?? [];
      // A route with two hostname entries meeting on one host has two VirtualServices; the first is enough to place its matches.
      const virtualService = `${routeFamily(attachment.route)}|${attachment.sources[host]?.[0] ?? host}`;
      for (const rule of attachment.route.rules) for (const match of rule) list.push({ route: attachment.route, host, match, virtualService });
      byHost.set(host, list);
    }
  }
  // Same virtual host: routes are merged and the match precedence decides.
  for (const [host, entries] of byHost) {
    const namespaces = new Set(entries.map((entry) => entry.route.namespace));
    if (namespaces.size < 2) continue;
    const buckets = new Map<string, MatchEntry[]>();
    for (const entry of entries) {
      const bucket = bucketOf(entry.match);
      const list = buckets.get(bucket) ?? [];
      list.push(entry);
      buckets.set(bucket, list);
    }
    const catchAll = buckets.get('') ?? [];
    const compare = (a: MatchEntry, b: MatchEntry) => {
      if (a.route === b.route || !differ(a.route, b.route)) return;
      // Once per direction: each of two routes can win some of the other's requests (a regex over a catch-all, a longer prefix the other way).
      const forward = pairKey(a.route, b.route, host);
      const backward = pairKey(b.route, a.route, host);
      if ((seenPairs.has(forward) && seenPairs.has(backward)) || !matchesOverlap(a.match, b.match)) return;
      const decision = decide(a, b);
      const key = pairKey(decision.winner.route, decision.loser.route, host);
      if (seenPairs.has(key)) return;
      seenPairs.add(key);
      conflicts.push({ listener, host, winner: decision.winner.route, loser: decision.loser.route, winnerMatch: decision.winner.match, loserMatch: decision.loser.match, decidedBy: decision.decidedBy, timestampsKnown: decision.timestampsKnown });
    };
    for (const [bucket, list] of buckets) {
      for (let i = 0; i < list.length; i++) {
        // Within a bucket every pair may overlap; a catch-all overlaps every bucket.
        for (let j = i + 1; j < list.length; j++) compare(list[i]!, list[j]!);
        if (bucket !== '') for (const other of catchAll) compare(list[i]!, other);
      }
    }
  }
  // Overlapping but different hostnames: the more specific virtual host takes the requests.
  for (const [host, entries] of byHost) {
    if (!isWildcard(host)) continue;
    const wildcardRoutes = [...new Set(entries.map((entry) => entry.route))];
    for (const covered of hostIndex.coveredBy(host)) {
      if (covered.host === host) continue;
      for (const route of wildcardRoutes) {
        if (!differ(route, covered.route)) continue;
        const key = pairKey(covered.route, route, covered.host);
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        conflicts.push({ listener, host: covered.host, winner: covered.route, loser: route, winnerMatch: CATCH_ALL, loserMatch: CATCH_ALL, decidedBy: 'hostname', timestampsKnown: true });
      }
    }
  }
  return conflicts;
}

/**
 * TLS passthrough listeners of one Gateway and port share one Envoy listener, where each SNI name
 * gets one filter chain: the first server's, later ones are skipped with a warning
 * (pilot/pkg/networking/core/gateway.go buildGatewayNetworkFiltersFromTLSRoutes, model.CheckDuplicates
 * per port). Servers come in the order of the per-listener Istio Gateways, all of the Kubernetes
 * Gateway's age and named `<gateway>~istio-autogenerated-k8s-gateway~<listener>`
 * (kube.InternalGatewayName; sortConfigByCreationTime, then name), so the listener whose name sorts
 * first keeps a name routes of two listeners both list, whatever Listener Isolation says; within a
 * listener the older route does. Conflicts between routes of different listeners, as decided by `differ`;
 * `listener` is the loser's.
 */
export function passthroughSniConflicts(listeners: Listener[], attachmentsOf: (listener: Listener) => Attachment[], differ: (a: Route, b: Route) => boolean): RouteConflict[] {
  const groups = new Map<string, Listener[]>();
  for (const listener of listeners) {
    if (listener.protocol !== 'TLS' || listener.tlsMode !== 'Passthrough') continue;
    const key = `${listener.gateway.metadata.namespace}/${listener.gateway.metadata.name}:${listener.port}`;
    const list = groups.get(key) ?? [];
    list.push(listener);
    groups.set(key, list);
  }
  const conflicts: RouteConflict[] = [];
  const l4: HttpMatch = { ...CATCH_ALL, l4: true };
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => byteOrder(a.name, b.name));
    // SNI name -> the (listener, route) pairs listing it, in Istio's order.
    const claims = new Map<string, Array<{ listener: Listener; route: Route }>>();
    for (const listener of group) {
      const attachments = [...attachmentsOf(listener)].sort((a, b) => compareRouteAge(a.route.object, b.route.object).order);
      for (const attachment of attachments) {
        if (attachment.route.kind !== 'TLSRoute') continue;
        for (const host of attachment.hosts) {
          const list = claims.get(host) ?? [];
          list.push({ listener, route: attachment.route });
          claims.set(host, list);
        }
      }
    }
    for (const [host, list] of claims) {
      const first = list[0]!;
      const reported = new Set<Route>();
      for (const other of list.slice(1)) {
        if (other.listener === first.listener || reported.has(other.route) || !differ(first.route, other.route)) continue;
        reported.add(other.route);
        conflicts.push({ listener: other.listener, winnerListener: first.listener, host, winner: first.route, loser: other.route, winnerMatch: l4, loserMatch: l4, decidedBy: 'listener-order', timestampsKnown: true });
      }
    }
  }
  return conflicts;
}
