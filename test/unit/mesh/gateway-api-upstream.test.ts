/**
 * The Gateway API model against the edge cases of Istio's own fixtures and the Gateway API
 * conformance suite (written here in our own words, same shapes): listener admission by every
 * selector operator, sectionName, route kinds, hostname mismatch (route-binding.yaml and its
 * status golden), Listener Isolation (isolation.yaml, gateway-http-listener-isolation), and the
 * order of merged routes (route-precedence.yaml.golden, httproute-matching-across-routes).
 */
import { describe, expect, it } from '@jest/globals';
import { GatewayApiModel, listenerConflicts, passthroughSniConflicts, type Route } from '../../../src/mesh/gateway-api.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

const namespace = (name: string, labels: Record<string, string> = {}) => `---\napiVersion: v1\nkind: Namespace\nmetadata: ${JSON.stringify({ name, labels })}\n`;
const gateway = (listeners: Array<Record<string, unknown>>) =>
  `---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\nspec: ${JSON.stringify({ gatewayClassName: 'istio', listeners })}\n`;
const route = (ns: string, name: string, spec: Record<string, unknown>, kind = 'HTTPRoute', created?: string) =>
  `---\napiVersion: gateway.networking.k8s.io/v1\nkind: ${kind}\nmetadata: ${JSON.stringify({ name, namespace: ns, ...(created ? { creationTimestamp: created } : {}) })}\nspec: ${JSON.stringify({ rules: [{ backendRefs: [{ name: 'app', port: 80 }] }], ...spec })}\n`;
const parent = (sectionName?: string) => ({ name: 'gw', namespace: 'infra', ...(sectionName ? { sectionName } : {}) });
const selectorListener = (name: string, selector: Record<string, unknown>) => ({ name, hostname: `*.${name}.example`, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector } } });

function model(manifests: string, istioVersion?: string): GatewayApiModel {
  return new GatewayApiModel(snapshotFromYaml({ manifests, istioVersion }));
}

const attached = (api: GatewayApiModel) => api.attachments.map((a) => `${a.route.namespace}/${a.route.object.metadata.name} -> ${a.listener.name} ${a.hosts.join(',')}`).sort();
const denied = (api: GatewayApiModel) => api.denials.map((d) => `${d.route.namespace}/${d.route.object.metadata.name} -> ${d.parent.sectionName ?? '*'}: ${d.reason}`).sort();

describe('route attachment (Istio route-binding.yaml shapes)', () => {
  const listeners = [
    { name: 'all', hostname: '*.all.example', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'http-only', hostname: '*.http-only.example', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'HTTPRoute' }] } },
    { name: 'tcp-kinds', hostname: '*.tcp-kinds.example', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'TCPRoute' }] } },
    { name: 'same', hostname: '*.same.example', port: 80, protocol: 'HTTP' },
    selectorListener('labels', { matchLabels: { part: 'group' } }),
    selectorListener('in-yes', { matchExpressions: [{ key: 'part', operator: 'In', values: ['group'] }] }),
    selectorListener('in-no', { matchExpressions: [{ key: 'part', operator: 'In', values: ['public'] }] }),
    selectorListener('notin-yes', { matchExpressions: [{ key: 'part', operator: 'NotIn', values: ['private'] }, { key: 'absent', operator: 'NotIn', values: ['x'] }] }),
    selectorListener('notin-no', { matchExpressions: [{ key: 'part', operator: 'NotIn', values: ['group'] }] }),
    selectorListener('exists-yes', { matchExpressions: [{ key: 'part', operator: 'Exists' }] }),
    selectorListener('exists-no', { matchExpressions: [{ key: 'public', operator: 'Exists' }] }),
    selectorListener('dne-yes', { matchExpressions: [{ key: 'absent', operator: 'DoesNotExist' }] }),
    selectorListener('dne-no', { matchExpressions: [{ key: 'part', operator: 'DoesNotExist' }] }),
    selectorListener('combined-yes', { matchLabels: { part: 'group' }, matchExpressions: [{ key: 'part', operator: 'In', values: ['group'] }] }),
    selectorListener('combined-no', { matchLabels: { part: 'public' }, matchExpressions: [{ key: 'part', operator: 'In', values: ['group'] }] }),
    selectorListener('by-name', { matchLabels: { 'kubernetes.io/metadata.name': 'group-1' } }),
  ];
  const selectorNames = listeners.filter((l) => l.allowedRoutes?.namespaces.from === 'Selector').map((l) => l.name);
  const api = model(
    namespace('infra', { part: 'infra' }) +
      namespace('group-1', { part: 'group' }) +
      namespace('other', { part: 'other' }) +
      gateway(listeners) +
      route('group-1', 'selectors', { parentRefs: selectorNames.map(parent) }) +
      route('other', 'by-selector', { parentRefs: [parent('labels')] }) +
      route('other', 'section', { parentRefs: [parent('http-only')], hostnames: ['a.http-only.example'] }) +
      route('other', 'host-mismatch', { parentRefs: [parent('http-only')], hostnames: ['no.match.example'] }) +
      route('other', 'same-ns', { parentRefs: [parent('same')], hostnames: ['a.same.example'] }) +
      route('infra', 'own', { parentRefs: [parent('same'), parent('http-only')] }) +
      route('other', 'wrong-kind', { parentRefs: [parent('http-only')] }, 'TCPRoute') +
      route('other', 'bad-port', { parentRefs: [{ ...parent(), port: 8080 }] }),
  );

  it('admits by each selector operator as LabelSelectorAsSelector does, with kubernetes.io/metadata.name implied', () => {
    const group = attached(api).filter((line) => line.startsWith('group-1/selectors'));
    expect(group.map((line) => line.split(' ')[2])).toEqual(['by-name', 'combined-yes', 'dne-yes', 'exists-yes', 'in-yes', 'labels', 'notin-yes']);
    expect(denied(api).filter((line) => line.startsWith('group-1/selectors'))).toEqual(
      ['combined-no', 'dne-no', 'exists-no', 'in-no', 'notin-no'].map((name) => `group-1/selectors -> ${name}: namespace-not-allowed`),
    );
  });

  it('sectionName, allowedRoutes.kinds, Same, hostname and port decide like the status golden (Accepted / NotAllowedByListeners / NoMatchingListenerHostname)', () => {
    expect(attached(api).filter((line) => !line.startsWith('group-1/'))).toEqual([
      'infra/own -> http-only *.http-only.example',
      'infra/own -> same *.same.example',
      'other/section -> http-only a.http-only.example',
    ]);
    expect(denied(api).filter((line) => !line.startsWith('group-1/'))).toEqual([
      'other/bad-port -> *: no-matching-listener',
      'other/by-selector -> labels: namespace-not-allowed',
      'other/host-mismatch -> http-only: no-matching-hostname',
      'other/same-ns -> same: namespace-not-allowed',
      'other/wrong-kind -> http-only: kind-not-allowed',
    ]);
  });
});

describe('Listener Isolation (Istio isolation.yaml, conformance gateway-http-listener-isolation-with-hostname-intersection)', () => {
  const hostnames = ['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com'];
  const listener = (name: string, hostname?: string) => ({ name, port: 80, protocol: 'HTTP', ...(hostname ? { hostname } : {}), allowedRoutes: { namespaces: { from: 'All' } } });
  const api = model(
    namespace('infra') +
      gateway([listener('empty'), listener('wild', '*.example.com'), listener('wild-foo', '*.foo.example.com'), listener('abc', 'abc.foo.example.com')]) +
      ['empty', 'wild', 'wild-foo', 'abc'].map((name) => route('infra', `to-${name}`, { parentRefs: [parent(name)], hostnames })).join(''),
  );

  it('each listener keeps only the hostnames no more specific listener owns, intersected with its own', () => {
    expect(attached(api)).toEqual([
      'infra/to-abc -> abc abc.foo.example.com',
      'infra/to-empty -> empty bar.com',
      'infra/to-wild -> wild *.example.com',
      'infra/to-wild-foo -> wild-foo *.foo.example.com',
    ]);
  });
});

describe('a route Listener Isolation leaves no hostname is still attached (gatewayRouteAttachmentCountCollection counts accepted parents)', () => {
  const api = model(
    namespace('infra') +
      namespace('team') +
      gateway([
        { name: 'wild', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'exact', port: 80, protocol: 'HTTP', hostname: 'abc.example.com' },
      ]) +
      route('team', 'squat', { parentRefs: [parent('wild')], hostnames: ['abc.example.com'] }),
  );

  it('counts on the wildcard listener with no virtual host, and is not denied', () => {
    const wild = api.listeners.find((l) => l.name === 'wild')!;
    expect(api.attachmentsOf(wild).map((a) => [a.route.object.metadata.name, a.hosts])).toEqual([['squat', []]]);
    expect(api.denials).toEqual([]);
  });
});

describe('Listener Isolation is for HTTPRoutes and GRPCRoutes only (route_collections.go; TLSRouteCollection intersects hostnames, conformance tlsroute-hostname-intersection)', () => {
  const tls = (name: string, hostname: string) => ({ name, port: 443, protocol: 'TLS', hostname, tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } });
  const api = model(
    namespace('infra') +
      namespace('team') +
      route('team', 'sni', { parentRefs: [parent('wild')], hostnames: ['abc.example.com', '*.com'] }, 'TLSRoute') +
      route('team', 'grpc', { parentRefs: [{ ...parent(), sectionName: 'h2-wild' }], hostnames: ['abc.example.com', 'other.example.com'] }, 'GRPCRoute') +
      gateway([tls('wild', '*.example.com'), tls('exact', 'abc.example.com'), { name: 'h2-wild', port: 8443, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'c' }] }, allowedRoutes: { namespaces: { from: 'All' } } }, { name: 'h2-exact', port: 8443, protocol: 'HTTPS', hostname: 'abc.example.com', tls: { certificateRefs: [{ name: 'c' }] } }]),
  );

  it('a TLSRoute on the wildcard listener keeps the SNI name a more specific listener of the same port has', () => {
    expect(attached(api).filter((line) => line.startsWith('team/sni'))).toEqual(['team/sni -> wild *.example.com,abc.example.com']);
  });

  it('a GRPCRoute on the wildcard HTTPS listener loses it to the more specific listener', () => {
    expect(attached(api).filter((line) => line.startsWith('team/grpc'))).toEqual(['team/grpc -> h2-wild other.example.com']);
  });
});

describe('one filter chain per SNI name on a port (gateway.go buildGatewayNetworkFiltersFromTLSRoutes, CheckDuplicates)', () => {
  const tls = (name: string, hostname: string, port = 443) => ({ name, port, protocol: 'TLS', hostname, tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } });
  const sni = (ns: string, name: string, section: string, hostnames: string[], created: string) => route(ns, name, { parentRefs: [parent(section)], hostnames }, 'TLSRoute', created);
  const api = model(
    namespace('infra') +
      namespace('a') +
      namespace('b') +
      gateway([tls('m-exact', 'db.example.com'), tls('b-wild', '*.example.com'), tls('x-wild', '*.example.com', 8443), tls('x-exact', 'db.example.com', 8443)]) +
      sni('a', 'owner', 'm-exact', ['db.example.com'], '2024-01-01T00:00:00Z') +
      sni('b', 'squat', 'b-wild', ['db.example.com'], '2024-06-01T00:00:00Z') +
      sni('a', 'owner-8443', 'x-exact', ['db.example.com'], '2024-06-01T00:00:00Z') +
      sni('b', 'squat-8443', 'x-wild', ['db.example.com'], '2024-01-01T00:00:00Z') +
      sni('b', 'wild-only', 'b-wild', ['*.example.com'], '2024-01-01T00:00:00Z'),
  );
  const found = passthroughSniConflicts(api.listeners, (l) => api.attachmentsOf(l), (x, y) => x.namespace !== y.namespace).map(
    (c) => `${c.listener.port} ${c.host}: ${c.winner.object.metadata.name}@${c.winnerListener!.name} over ${c.loser.object.metadata.name}@${c.listener.name}`,
  );

  it('the listener whose name sorts first keeps the name on each port, whatever the route ages; distinct names (*.example.com) do not collide', () => {
    expect(found.sort()).toEqual(['443 db.example.com: squat@b-wild over owner@m-exact', '8443 db.example.com: owner-8443@x-exact over squat-8443@x-wild']);
  });
});

describe('listeners Istio 1.31 does not program (listener_conflict.go ComputeGatewayListenerConflicts, buildListener)', () => {
  const manifests =
    namespace('infra') +
    namespace('team') +
    gateway([
      { name: 'web', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'raw', port: 80, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'secure-wild', port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'c' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'secure-shop', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'passthrough-shop', port: 443, protocol: 'TLS', hostname: 'shop.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
    ]) +
    route('team', 'tcp', { parentRefs: [parent('raw')] }, 'TCPRoute') +
    route('team', 'shop', { parentRefs: [parent('secure-wild'), parent('secure-shop')], hostnames: ['shop.example.com'] }) +
    route('team', 'sni', { parentRefs: [parent('passthrough-shop')], hostnames: ['shop.example.com'] }, 'TLSRoute');

  it('1.31: the later of two listeners on one port (TCP beside HTTP, TLS beside HTTPS with the same hostname) and an HTTPS listener without tls get no route', () => {
    const api = model(manifests, '1.31');
    expect(api.listeners.map((l) => l.name)).toEqual(['web', 'secure-wild']);
    expect(denied(api)).toEqual(['team/shop -> secure-shop: no-matching-listener', 'team/sni -> passthrough-shop: no-matching-listener', 'team/tcp -> raw: no-matching-listener']);
    // The unprogrammed exact listener no longer owns shop.example.com: the wildcard listener serves it.
    expect(attached(api)).toEqual(['team/shop -> secure-wild shop.example.com']);
  });

  it('1.30: every listener is programmed and the exact listener keeps its hostname', () => {
    const api = model(manifests, '1.30');
    expect(api.listeners.map((l) => l.name)).toEqual(['web', 'raw', 'secure-wild', 'secure-shop', 'passthrough-shop']);
    // On the wildcard listener the route is accepted but Listener Isolation leaves it no hostname.
    expect(attached(api)).toEqual(['team/shop -> secure-shop shop.example.com', 'team/shop -> secure-wild ', 'team/sni -> passthrough-shop shop.example.com', 'team/tcp -> raw *']);
  });
});

describe('Gateways no controller routes for (Istio mismatch.yaml, eastwest-remote.yaml; GatewayCollection)', () => {
  const gatewayClass = (name: string, controllerName: string) => `---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: ${name}}\nspec: {controllerName: ${controllerName}}\n`;
  const classed = (name: string, className: string) =>
    `---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: infra}\nspec: ${JSON.stringify({ gatewayClassName: className, listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] })}\n`;
  const to = (name: string) => route('team', `to-${name}`, { parentRefs: [{ name, namespace: 'infra' }] });
  const names = ['istio', 'other-impl', 'undeclared', 'remote', 'waypoint', 'remote-class'];
  const manifests =
    namespace('infra') +
    namespace('team') +
    classed('istio', 'istio') +
    classed('other-impl', 'envoy') +
    classed('undeclared', 'something-else') +
    classed('remote', 'istio-remote') +
    classed('waypoint', 'istio-waypoint') +
    classed('remote-class', 'remote-by-object') +
    names.map(to).join('');

  it('with GatewayClasses listed: an undeclared class, Istio\'s remote class (by name or controller) and its waypoint class serve no route; another controller\'s class is kept', () => {
    const api = model(manifests + gatewayClass('istio', 'istio.io/gateway-controller') + gatewayClass('envoy', 'gateway.envoyproxy.io/gatewayclass-controller') + gatewayClass('remote-by-object', 'istio.io/unmanaged-gateway'));
    expect([...new Set(api.listeners.map((l) => l.gateway.metadata.name))]).toEqual(['istio', 'other-impl']);
    expect(denied(api)).toEqual(['team/to-remote -> *: gateway-not-served', 'team/to-remote-class -> *: gateway-not-served', 'team/to-undeclared -> *: gateway-not-served', 'team/to-waypoint -> *: gateway-not-served']);
  });

  it('without any GatewayClass in the snapshot only Istio\'s built-in remote and waypoint class names are known to serve nothing', () => {
    const api = model(manifests);
    expect([...new Set(api.listeners.map((l) => l.gateway.metadata.name))]).toEqual(['istio', 'other-impl', 'undeclared', 'remote-class']);
  });
});

describe('order of merged routes (Istio route-precedence.yaml.golden, SortVHostRoutes)', () => {
  const match = (path: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ matches: [{ path, ...extra }], backendRefs: [{ name: 'app', port: 80 }] });
  const api = model(
    namespace('infra') +
      namespace('allowed-1') +
      namespace('allowed-2') +
      gateway([{ name: 'default', hostname: '*.domain.example', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]) +
      route('allowed-1', 'http', { parentRefs: [parent()], hostnames: ['a.domain.example'], rules: [match({ type: 'PathPrefix', value: '/foo' }, { headers: [{ name: 'my-header', value: 'v' }] }), match({ type: 'RegularExpression', value: '/foo((\\/).*)?' })] }, 'HTTPRoute', '2024-01-01T00:00:00Z') +
      route('allowed-2', 'http', { parentRefs: [parent()], hostnames: ['a.domain.example'], rules: [match({ type: 'PathPrefix', value: '/foo/bar' }), match({ type: 'PathPrefix', value: '/' })] }, 'HTTPRoute', '2024-02-01T00:00:00Z'),
  );
  const listener = api.listeners[0]!;
  const winners = new Map<string, string>();
  const name = (r: Route) => r.namespace;
  for (const conflict of listenerConflicts(listener, api.attachmentsOf(listener), (a, b) => a.namespace !== b.namespace)) winners.set(`${conflict.winnerMatch.path} vs ${conflict.loserMatch.path}`, `${name(conflict.winner)} (${conflict.decidedBy})`);

  it('the longer prefix of the newer route wins over the older route\'s prefix with a header (sortHTTPRoutes: length before headers)', () => {
    expect(winners.get('/foo/bar vs /foo')).toBe('allowed-2 (match)');
  });

  it('and the other way round on the same host: the older route\'s header match beats the newer catch-all; both directions are reported', () => {
    expect(winners.get('/foo vs /')).toBe('allowed-1 (match)');
    expect(winners.size).toBe(2);
  });
});
