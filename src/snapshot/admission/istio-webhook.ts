/**
 * Checks of Istio's validating webhook (istiod `/validate`) that the CRD schema does not
 * express, for the kinds that decide isolation. Each check names the function of
 * istio/istio 1.30 pkg/config/validation (validation.go unless said otherwise) it follows.
 * Warnings of the webhook (accepted objects) are not reported here.
 */
import { isIP } from 'node:net';
import type { K8sObject } from '../types.js';
import { isRecord } from '../../records.js';

type Spec = Record<string, unknown>;

// pkg/config/labels/instance.go
const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_PREFIX = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const LABEL_VALUE = /^((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*\/)?((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;

const isLabel = (value: string): boolean => value.length <= 63 && DNS1123_LABEL.test(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : []);
const records = (value: unknown): Spec[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** agent.ValidateWildcardDomain (CheckDNS1123Preconditions + ValidateDNS1123Labels). */
export function wildcardDomainError(domain: string): string | undefined {
  if (domain.length > 255) return `domain name "${domain.slice(0, 40)}..." too long (max 255)`;
  if (domain.length === 0) return 'empty domain name not allowed';
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!(first.length <= 63 && WILDCARD_PREFIX.test(first))) return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dot < 0 ? undefined : dnsLabelsError(domain.slice(dot + 1), domain);
}

/** agent.ValidateDNS1123Labels: every label a DNS-1123 label, the top-level one not all-numeric; a trailing dot is allowed. */
function dnsLabelsError(rest: string, domain: string): string | undefined {
  const parts = rest.split('.');
  if (/^[0-9]+$/.test(parts[parts.length - 1]!)) return `domain name "${domain}" invalid (top level domain "${parts[parts.length - 1]}" cannot be all-numeric)`;
  for (let index = 0; index < parts.length; index += 1) {
    if (index === parts.length - 1 && parts[index] === '') return undefined;
    if (!isLabel(parts[index]!)) return `domain name "${domain}" invalid (label "${parts[index]}" invalid)`;
  }
  return undefined;
}

/** agent.ValidateFQDN. */
function fqdnError(name: string): string | undefined {
  if (name.length > 255) return `domain name too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return dnsLabelsError(name, name);
}

/** agent.ValidateIPSubnet. */
function ipSubnetError(value: string): string | undefined {
  const slash = value.split('/');
  if (slash.length === 2) {
    const bits = Number(slash[1]);
    const family = isIP(slash[0]!);
    if (family === 0 || !/^[0-9]+$/.test(slash[1]!) || bits > (family === 4 ? 32 : 128)) return `${value} is not a valid CIDR block`;
    return undefined;
  }
  return isIP(value) === 0 ? `${value} is not a valid IP` : undefined;
}

/** labels.Instance.Validate. */
function labelsError(labels: unknown): string | undefined {
  if (!isRecord(labels)) return undefined;
  for (const [key, value] of Object.entries(labels)) {
    const match = LABEL_KEY.exec(key);
    if (!match || (match[1] && match[1].length - 1 > 253) || match[2]!.length > 63) return `invalid tag key: "${key}"`;
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) return `invalid tag value: "${String(value)}"`;
  }
  return undefined;
}

/** validateWorkloadSelector / ValidateAlphaWorkloadSelector: no empty key, no wildcard. */
function selectorError(labels: unknown): string | undefined {
  if (!isRecord(labels)) return undefined;
  for (const [key, value] of Object.entries(labels)) {
    if (key === '') return 'empty key is not supported in selector';
    if (key.includes('*') || String(value).includes('*')) return `wildcard is not supported in selector: "${key}=${String(value)}"`;
  }
  return undefined;
}

/** validateExportTo. */
function exportToError(namespace: string, exportTo: string[], isServiceEntry: boolean, destinationRuleWithSelector: boolean): string | undefined {
  if (exportTo.length === 0) return undefined;
  const set = new Set<string>();
  for (const entry of exportTo) {
    const key = entry === '.' ? namespace : entry;
    if (set.has(key)) return key !== entry ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${entry}`;
    if (entry === '~' && !isServiceEntry) return 'exportTo ~ (none) is not allowed for Istio configuration objects';
    if (entry !== '~' && key !== '*' && !isLabel(key)) return 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry';
    set.add(key);
  }
  if (destinationRuleWithSelector && (!set.has(namespace) || set.size > 1)) return set.has(namespace) ? 'destination rule with workload selector cannot have multiple entries in exportTo' : 'destination rule with workload selector cannot have exportTo beyond current namespace';
  if (set.has('*') && exportTo.length > 1) return 'cannot have both public (*) and non-public exportTo values for a resource';
  if (set.has('~') && exportTo.length > 1) return 'cannot export service entry to no one (~) and someone';
  return undefined;
}

/** pkg/config/protocol: the protocols Istio knows (case-insensitive). */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
const HTTP_PROTOCOLS = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web']);
const TLS_PROTOCOLS = new Set(['https', 'tls']);
const protocolOf = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');
const portError = (value: unknown): string | undefined => (typeof value === 'number' && value >= 1 && value <= 65535 ? undefined : `port number ${String(value)} must be in the range 1..65535`);

/** ValidateServiceEntry. */
function serviceEntryError(spec: Spec, namespace: string): string | undefined {
  const hosts = strings(spec.hosts);
  const resolution = typeof spec.resolution === 'string' ? spec.resolution : 'NONE';
  const endpoints = records(spec.endpoints);
  const addresses = strings(spec.addresses);
  const ports = records(spec.ports);
  const selector = isRecord(spec.workloadSelector) ? spec.workloadSelector.labels : undefined;
  const problem = selectorError(selector);
  if (problem) return problem;
  if (spec.workloadSelector !== undefined && spec.endpoints !== undefined) return 'only one of WorkloadSelector or Endpoints is allowed in Service Entry';
  if (hosts.length === 0) return 'service entry must have at least one host';
  for (const host of hosts) {
    const error = host === '*' ? `invalid host ${host}` : wildcardDomainError(host);
    if (error) return error;
  }
  for (const address of addresses) {
    const error = ipSubnetError(address);
    if (error) return error;
  }
  if (addresses.some((address) => address.includes('/')) && resolution !== 'NONE' && resolution !== 'STATIC') return 'CIDR addresses are allowed only for NONE/STATIC resolution types';
  const names = new Set<string>();
  const numbers = new Set<unknown>();
  for (const port of ports) {
    const name = typeof port.name === 'string' ? port.name : '';
    if (names.has(name)) return `service entry port name "${name}" already defined`;
    if (numbers.has(port.number)) return `service entry port ${String(port.number)} already defined`;
    names.add(name);
    numbers.add(port.number);
    if (port.targetPort !== undefined && port.targetPort !== 0 && portError(port.targetPort)) return portError(port.targetPort);
    if (!isLabel(name)) return `invalid port name: ${name}`;
    if (port.protocol !== undefined && port.protocol !== '' && !PROTOCOLS.has(protocolOf(port.protocol))) return `unsupported protocol: ${String(port.protocol)}`;
    const error = portError(port.number);
    if (error) return error;
  }
  if (resolution === 'NONE' && endpoints.length > 0) return 'no endpoints should be provided for resolution type none';
  if (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') {
    if (endpoints.length === 0) {
      for (const host of hosts) if (fqdnError(host)) return `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}`;
    }
    if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) return `there must only be 0 or 1 endpoint for resolution mode ${resolution}`;
    for (const endpoint of endpoints) {
      const address = typeof endpoint.address === 'string' ? endpoint.address : '';
      if (isIP(address) === 0 && fqdnError(address)) return `endpoint address "${address}" is not a valid FQDN or an IP address`;
      const labels = labelsError(endpoint.labels);
      if (labels) return labels;
      for (const [name, number] of Object.entries(isRecord(endpoint.ports) ? endpoint.ports : {})) {
        if (!names.has(name)) return `endpoint port ${String(number)} is not defined by the service entry`;
        const error = portError(number);
        if (error) return error;
      }
    }
  }
  if (resolution === 'DYNAMIC_DNS') {
    if (hosts.some((host) => !host.startsWith('*'))) return `host must be wildcarded for resolution mode ${resolution}`;
    if (addresses.length > 0) return `addresses cannot be set for resolution type ${resolution}`;
    if (endpoints.length > 0) return `endpoints cannot be set for resolution type ${resolution}`;
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    for (const port of ports) {
      const protocol = protocolOf(port.protocol);
      if (!HTTP_PROTOCOLS.has(protocol) && !TLS_PROTOCOLS.has(protocol)) return 'multiple hosts provided with non-HTTP, non-TLS ports';
    }
  }
  return exportToError(namespace, strings(spec.exportTo), true, false);
}

/** validateDestination (VirtualService routes): a host, never `*`. */
function destinationError(destination: unknown): string | undefined {
  if (!isRecord(destination)) return undefined;
  const host = typeof destination.host === 'string' ? destination.host : '';
  if (host === '*') return `invalid destination host ${host}`;
  const error = wildcardDomainError(host);
  if (error) return error;
  if (destination.subset !== undefined && (typeof destination.subset !== 'string' || !isLabel(destination.subset))) return `subset name is invalid: ${String(destination.subset)}`;
  return undefined;
}

/** validateGatewayNames. */
function gatewayNamesError(names: string[]): string | undefined {
  for (const name of names) {
    const parts = name.split('/');
    if (parts.length === 1) {
      const error = fqdnError(name);
      if (error) return error;
      continue;
    }
    const [namespace, gateway] = [parts[0]!, parts.slice(1).join('/')];
    if (!namespace || !gateway) return 'config namespace and gateway name cannot be empty';
    if (!isLabel(namespace)) return `invalid value for namespace: "${namespace}"`;
    if (!isLabel(gateway)) return `invalid value for gateway name: "${gateway}"`;
  }
  return undefined;
}

/** ValidateVirtualService (hosts, delegates, routes and their destinations, SNI subsets, exportTo). */
function virtualServiceError(spec: Spec, namespace: string): string | undefined {
  const hosts = strings(spec.hosts);
  const gateways = strings(spec.gateways);
  const http = records(spec.http);
  const tcp = records(spec.tcp);
  const tls = records(spec.tls);
  if (hosts.length === 0) {
    if (gateways.length > 0) return 'delegate virtual service must have no gateways specified';
    if (tls.length > 0) return 'delegate virtual service must have no tls route specified';
    if (tcp.length > 0) return 'delegate virtual service must have no tcp route specified';
  }
  const error = gatewayNamesError(gateways);
  if (error) return error;
  // isGateway: bound to any gateway other than `mesh`, the VirtualService applies to gateways only.
  const appliesToMesh = gateways.every((gateway) => gateway === 'mesh');
  for (const host of hosts) {
    const hostError = wildcardDomainError(host);
    if (hostError && isIP(host) === 0) return hostError;
    if (!hostError && appliesToMesh && host === '*') return 'wildcard host * is not allowed for virtual services bound to the mesh gateway';
  }
  const duplicate = duplicateHosts(hosts);
  if (duplicate) return `duplicate hosts in virtual service: ${duplicate[0]} & ${duplicate[1]}`;
  if (http.length === 0 && tcp.length === 0 && tls.length === 0) return 'http, tcp or tls must be provided in virtual service';
  for (const route of http) {
    // virtualservice.go validateHTTPRouteConflict
    const hasRoute = Array.isArray(route.route) && route.route.length > 0;
    if (route.delegate !== undefined) {
      if (hosts.length === 0) return 'delegate HTTP route cannot contain delegate';
      if (route.redirect !== undefined) return 'root HTTP route must not specify redirect';
      if (route.route !== undefined) return 'root HTTP route must not specify route';
      continue;
    }
    if (route.redirect !== undefined && hasRoute) return 'HTTP route cannot contain both route and redirect';
    if (route.redirect === undefined && route.directResponse !== undefined && hasRoute) return 'HTTP route cannot contain both route and direct_response';
    if (route.redirect === undefined && route.directResponse === undefined && !hasRoute) return 'HTTP route, redirect or direct_response is required';
    for (const destination of records(route.route)) {
      const destinationProblem = destinationError(destination.destination);
      if (destinationProblem) return destinationProblem;
    }
    for (const match of records(route.match)) {
      if (match.sourceNamespace !== undefined && (typeof match.sourceNamespace !== 'string' || !isLabel(match.sourceNamespace))) return `sourceNamespace match ${String(match.sourceNamespace)} is invalid`;
      const gatewaysProblem = gatewayNamesError(strings(match.gateways));
      if (gatewaysProblem) return gatewaysProblem;
    }
    const mirror = destinationError(route.mirror);
    if (mirror) return mirror;
  }
  for (const route of tls) {
    const matches = records(route.match);
    if (matches.length === 0) return 'TLS route must have at least one match condition';
    for (const match of matches) {
      const sniHosts = strings(match.sniHosts);
      if (sniHosts.length === 0) return 'TLS match must have at least one SNI host';
      // validateSniHost: an SNI host must be covered by one of the VirtualService's hosts.
      for (const sni of sniHosts) {
        const sniError = wildcardDomainError(sni);
        if (sniError) { if (isIP(sni) !== 0) continue; return sniError; }
        if (!hosts.some((host) => subsetOf(sni, host))) return `SNI host "${sni}" is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`;
      }
    }
    if (!Array.isArray(route.route) || route.route.length === 0) return 'TLS route is required';
    for (const destination of records(route.route)) {
      const destinationProblem = destinationError(destination.destination);
      if (destinationProblem) return destinationProblem;
    }
  }
  for (const route of tcp) {
    if (!Array.isArray(route.route) || route.route.length === 0) return 'TCP route is required';
    for (const destination of records(route.route)) {
      const destinationProblem = destinationError(destination.destination);
      if (destinationProblem) return destinationProblem;
    }
  }
  return exportToError(namespace, strings(spec.exportTo), false, false);
}

/** host.Name.SubsetOf (pkg/config/host/name.go). */
function subsetOf(name: string, of: string): boolean {
  const nameWild = name.startsWith('*');
  const ofWild = of.startsWith('*');
  if (nameWild) return ofWild && name.length >= of.length && name.slice(1).endsWith(of.slice(1));
  if (ofWild) return name.endsWith(of.slice(1));
  return name === of;
}

/**
 * Two hosts of one VirtualService that host.Name.Matches (equal, or one wildcard covering
 * the other). Linear: a trie of reversed wildcard suffixes instead of comparing all pairs.
 */
function duplicateHosts(hosts: string[]): [string, string] | undefined {
  interface Node { next: Map<string, Node>; host?: string }
  const trie: Node = { next: new Map() };
  const exact = new Map<string, string>();
  for (const host of hosts) {
    if (exact.has(host)) return [exact.get(host)!, host];
    exact.set(host, host);
    if (!host.startsWith('*')) continue;
    let node = trie;
    const suffix = host.slice(1);
    for (let index = suffix.length - 1; index >= 0; index -= 1) {
      let child = node.next.get(suffix[index]!);
      if (!child) node.next.set(suffix[index]!, (child = { next: new Map() }));
      node = child;
    }
    node.host ??= host;
  }
  for (const host of hosts) {
    // Every wildcard whose suffix this host (or this wildcard's suffix) ends with, other than itself.
    const text = host.startsWith('*') ? host.slice(1) : host;
    let node: Node | undefined = trie;
    for (let index = text.length; node; index -= 1) {
      if (node.host !== undefined && node.host !== host) return [node.host, host];
      if (index === 0) break;
      node = node.next.get(text[index - 1]!);
    }
  }
  return undefined;
}

/** ValidateDestinationRule (host, subsets, exportTo with a workload selector). */
function destinationRuleError(spec: Spec, namespace: string): string | undefined {
  const hostError = wildcardDomainError(typeof spec.host === 'string' ? spec.host : '');
  if (hostError) return hostError;
  const names = new Set<string>();
  for (const subset of records(spec.subsets)) {
    const name = typeof subset.name === 'string' ? subset.name : '';
    if (names.has(name)) return `duplicate subset names: ${name}`;
    names.add(name);
    if (!isLabel(name)) return `subset name is invalid: ${name}`;
    const labels = labelsError(subset.labels);
    if (labels) return labels;
  }
  const selector = isRecord(spec.workloadSelector) ? spec.workloadSelector.matchLabels : undefined;
  return exportToError(namespace, strings(spec.exportTo), false, spec.workloadSelector !== undefined) ?? selectorError(selector);
}

/** agent.ValidateNamespaceSlashWildcardHostname (+ validateSidecarOrGatewayHostnamePart). */
function namespaceSlashHostError(hostname: string, isGateway: boolean): string | undefined {
  const slash = hostname.indexOf('/');
  if (slash < 0) return isGateway ? hostnamePartError(hostname, true) : 'host must be of form namespace/dnsName';
  const namespace = hostname.slice(0, slash);
  const name = hostname.slice(slash + 1);
  if (!namespace || !name) return 'config namespace and dnsName in host entry cannot be empty';
  if (namespace !== '*' && namespace !== '.' && (isGateway || namespace !== '~') && !isLabel(namespace)) return `invalid namespace value "${namespace}" in ${isGateway ? 'gateway' : 'sidecar'}`;
  return hostnamePartError(name, isGateway);
}

function hostnamePartError(hostname: string, isGateway: boolean): string | undefined {
  if (hostname !== '*' && !hostname.includes('.')) return 'short names (non FQDN) are not allowed';
  const error = wildcardDomainError(hostname);
  if (error && !(isGateway && isIP(hostname) !== 0)) return error;
  if (hostname.includes('*') && hostname.length !== 1 && !hostname.startsWith('*.')) return `partial wildcard "${hostname}" not allowed`;
  return undefined;
}

/** ValidateSidecar (selector, empty configuration, listeners, egress hosts). */
function sidecarError(spec: Spec): string | undefined {
  const selector = selectorError(isRecord(spec.workloadSelector) ? spec.workloadSelector.labels : undefined);
  if (selector) return selector;
  const egress = records(spec.egress);
  const ingress = records(spec.ingress);
  if (egress.length === 0 && ingress.length === 0 && spec.outboundTrafficPolicy === undefined && spec.inboundConnectionPool === undefined) return 'sidecar: empty configuration provided';
  const ingressPorts = new Set<unknown>();
  for (const listener of ingress) {
    const port = isRecord(listener.port) ? listener.port : undefined;
    if (!port) return 'sidecar: port is required for ingress listeners';
    const error = portError(port.number);
    if (error) return error;
    if (ingressPorts.has(port.number)) return 'sidecar: ports on IP bound listeners must be unique';
    ingressPorts.add(port.number);
  }
  const egressPorts = new Set<unknown>();
  let catchAll = false;
  for (const [index, listener] of egress.entries()) {
    const port = isRecord(listener.port) ? listener.port : undefined;
    if (!port) {
      if (catchAll) return 'sidecar: egress can have only one listener with empty port';
      if (index !== egress.length - 1) return 'sidecar: the egress listener with empty port should be the last listener in the list';
      catchAll = true;
    } else if (port.number !== undefined && port.number !== 0) {
      const error = portError(port.number);
      if (error) return error;
      if (egressPorts.has(port.number)) return 'sidecar: ports on IP bound listeners must be unique';
      egressPorts.add(port.number);
    }
    const hosts = strings(listener.hosts);
    if (hosts.length === 0) return 'sidecar: egress listener must contain at least one host';
    for (const host of hosts) {
      const error = namespaceSlashHostError(host, false);
      if (error) return error;
    }
  }
  const policy = isRecord(spec.outboundTrafficPolicy) ? spec.outboundTrafficPolicy : undefined;
  if (policy?.egressProxy !== undefined && policy.mode !== 'ALLOW_ANY') return 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode';
  return undefined;
}

/** ValidateGateway (name, servers, hosts, ports, TLS required for HTTPS/TLS, unique port names). */
function gatewayError(spec: Spec, name: string): string | undefined {
  if (!isLabel(name)) return `invalid gateway name: "${name}"`;
  const servers = records(spec.servers);
  if (servers.length === 0) return 'gateway must have at least one server';
  const portNames = new Set<string>();
  for (const server of servers) {
    const hosts = strings(server.hosts);
    if (hosts.length === 0) return 'server config must contain at least one host';
    for (const host of hosts) {
      const error = namespaceSlashHostError(host, true);
      if (error) return error;
    }
    const port = isRecord(server.port) ? server.port : undefined;
    if (!port) return 'port is required';
    const protocol = protocolOf(port.protocol);
    if (!PROTOCOLS.has(protocol)) return `invalid protocol "${String(port.protocol)}"`;
    const bind = typeof server.bind === 'string' ? server.bind : '';
    if (!bind.startsWith('unix://') || (typeof port.number === 'number' && port.number > 0)) {
      const error = portError(port.number);
      if (error) return error;
    }
    if (typeof port.name !== 'string' || port.name === '') return 'port name must be set';
    if (portNames.has(port.name)) return `port names in servers must be unique: duplicate name ${port.name}`;
    portNames.add(port.name);
    if (TLS_PROTOCOLS.has(protocol) && server.tls === undefined) return 'server must have TLS settings for HTTPS/TLS protocols';
    if (!TLS_PROTOCOLS.has(protocol) && !HTTP_PROTOCOLS.has(protocol) && server.tls !== undefined) return 'server cannot have TLS settings for non HTTPS/TLS ports';
  }
  return undefined;
}

/** ValidatePeerAuthentication. */
function peerAuthenticationError(spec: Spec): string | undefined {
  const selector = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const portLevel = isRecord(spec.portLevelMtls) ? spec.portLevelMtls : undefined;
  if (Object.keys(selector).length === 0 && portLevel && Object.keys(portLevel).length > 0) return 'mesh/namespace peer authentication cannot have port level mTLS';
  if (portLevel && Object.keys(portLevel).length === 0) return 'port level mTLS, if defined, must have at least one element';
  for (const port of Object.keys(portLevel ?? {})) if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return 'port must be in range 1..65535';
  return selectorError(selector);
}

const SOURCE_FIELDS = ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'notPrincipals', 'notRequestPrincipals', 'notNamespaces', 'notIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains'];
const OPERATION_FIELDS = ['ports', 'methods', 'paths', 'hosts', 'notPorts', 'notMethods', 'notPaths', 'notHosts'];
const CUSTOM_UNSUPPORTED = ['namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'];

/** security.CheckServiceAccount (pkg/config/security/security.go). */
function serviceAccountError(field: string, values: string[]): string | undefined {
  if (values.length > 16) return 'may not have more than 16 values';
  for (const value of values) {
    if (value === '') return `empty value not allowed, found in ${field}`;
    if (value.includes('*')) return `wildcard not allowed, found in ${field}`;
    const segments = value.split('/').length - 1;
    if (segments > 1 || value.length > 320 || (segments === 1 && (value.startsWith('/') || value.endsWith('/')))) return `expected format 'serviceAccount' or 'namespace/serviceAccount', found "${value}" in ${field}`;
  }
  return undefined;
}

/** security.ValidateIPs. */
function ipsError(values: string[]): string | undefined {
  for (const value of values) {
    const error = value.includes('/') ? ipSubnetError(value) : isIP(value) === 0 ? `bad IP address (${value})` : undefined;
    if (error) return error;
  }
  return undefined;
}

/** ValidateAuthorizationPolicy. */
function authorizationPolicyError(spec: Spec): string | undefined {
  const selectors = [spec.selector !== undefined, spec.targetRef !== undefined, records(spec.targetRefs).length > 0].filter(Boolean).length;
  if (selectors > 1) return 'only one of targetRefs or workloadSelector can be set';
  const selector = selectorError(isRecord(spec.selector) ? spec.selector.matchLabels : undefined);
  if (selector) return selector;
  for (const ref of [spec.targetRef, ...records(spec.targetRefs)].filter(isRecord)) {
    if (!ref.name) return 'targetRef name must be set';
    if (ref.namespace) return 'targetRef namespace must not be set; cross namespace referencing is not supported';
  }
  const action = typeof spec.action === 'string' ? spec.action : 'ALLOW';
  const rules = Array.isArray(spec.rules) ? spec.rules : undefined;
  if (action === 'CUSTOM') {
    if (rules === undefined) return 'CUSTOM action without `rules` is meaningless as it will never be triggered';
    if (!isRecord(spec.provider) || !spec.provider.name) return '`provider.name` must not be empty';
  } else if (spec.provider !== undefined) return `\`provider\` must not be with non CUSTOM action, found ${action}`;
  if (action === 'DENY' && rules === undefined) return 'DENY action without `rules` is meaningless as it will never be triggered';
  for (const [index, rule] of (rules ?? []).entries()) {
    if (!isRecord(rule)) return `\`rule\` must not be nil, found at rule ${index}`;
    if (Array.isArray(rule.from) && rule.from.length === 0) return `\`from\` must not be empty, found at rule ${index}`;
    for (const from of Array.isArray(rule.from) ? rule.from : []) {
      const source = isRecord(from) && isRecord(from.source) ? from.source : undefined;
      if (!source) return `\`from.source\` must not be nil, found at rule ${index}`;
      const count = (field: string) => strings(source[field]).length;
      if (count('principals') + count('notPrincipals') + count('namespaces') + count('notNamespaces') > 0 && count('serviceAccounts') + count('notServiceAccounts') > 0) return `cannot set serviceAccounts with namespaces or principals, found at rule ${index}`;
      if (SOURCE_FIELDS.every((field) => count(field) === 0)) return `\`from.source\` must not be empty, found at rule ${index}`;
      for (const field of SOURCE_FIELDS) if (strings(source[field]).includes('')) return `empty value not allowed, found in ${field}`;
      const ips = ipsError([...strings(source.ipBlocks), ...strings(source.notIpBlocks), ...strings(source.remoteIpBlocks), ...strings(source.notRemoteIpBlocks)]);
      if (ips) return ips;
      const accounts = serviceAccountError('ServiceAccounts', strings(source.serviceAccounts)) ?? serviceAccountError('NotServiceAccounts', strings(source.notServiceAccounts));
      if (accounts) return accounts;
      if (action === 'CUSTOM') for (const field of CUSTOM_UNSUPPORTED) if (count(field) > 0) return `From.${field} is currently not supported with CUSTOM action`;
    }
    if (Array.isArray(rule.to) && rule.to.length === 0) return `\`to\` must not be empty, found at rule ${index}`;
    for (const to of Array.isArray(rule.to) ? rule.to : []) {
      const operation = isRecord(to) && isRecord(to.operation) ? to.operation : undefined;
      if (!operation) return `\`to.operation\` must not be nil, found at rule ${index}`;
      if (OPERATION_FIELDS.every((field) => strings(operation[field]).length === 0)) return `\`to.operation\` must not be empty, found at rule ${index}`;
      for (const port of [...strings(operation.ports), ...strings(operation.notPorts)]) if (!/^[0-9]+$/.test(port) || Number(port) > 65535) return `bad port (${port})`;
      for (const field of OPERATION_FIELDS) if (strings(operation[field]).includes('')) return `empty value not allowed, found in ${field}`;
    }
    for (const condition of Array.isArray(rule.when) ? rule.when : []) {
      const key = isRecord(condition) && typeof condition.key === 'string' ? condition.key : '';
      if (!key) return '`key` must not be empty';
      if (strings((condition as Spec).values).length === 0 && strings((condition as Spec).notValues).length === 0) return `at least one of \`values\` or \`notValues\` must be set for key ${key}`;
    }
  }
  return undefined;
}

/**
 * validateMetadata (RegisterValidateFunc wrapper): `istio.io/dry-run` only on ALLOW/DENY
 * AuthorizationPolicies, never the reject or internal parent annotations.
 */
function metadataError(object: K8sObject): string | undefined {
  const annotations = object.metadata.annotations;
  if ('istio.io/dry-run' in annotations) {
    if (object.snapshotKind !== 'AuthorizationPolicy') return 'has unsupported annotation istio.io/dry-run, please remove the annotation';
    const action = typeof object.spec.action === 'string' ? object.spec.action : 'ALLOW';
    if (action !== 'ALLOW' && action !== 'DENY') return `the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action ${action}`;
    if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(annotations['istio.io/dry-run']!)) return 'has annotation istio.io/dry-run with invalid value';
  }
  for (const name of ['istio.io/alwaysReject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parent-names']) {
    if (name in annotations) return `"${name}" annotation found, this may not be set by users`;
  }
  return undefined;
}

/** The first reason Istio's validating webhook rejects the object, or undefined. */
export function istioWebhookError(object: K8sObject): string | undefined {
  const spec = object.spec;
  const namespace = object.metadata.namespace;
  const metadata = metadataError(object);
  if (metadata) return metadata;
  switch (object.snapshotKind) {
    case 'ServiceEntry':
      return serviceEntryError(spec, namespace);
    case 'VirtualService':
      return virtualServiceError(spec, namespace);
    case 'DestinationRule':
      return destinationRuleError(spec, namespace);
    case 'Sidecar':
      return sidecarError(spec);
    case 'Gateway':
      return gatewayError(spec, object.metadata.name);
    case 'PeerAuthentication':
      return peerAuthenticationError(spec);
    case 'AuthorizationPolicy':
      return authorizationPolicyError(spec);
    default:
      return undefined;
  }
}
