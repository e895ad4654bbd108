import { expect } from '@jest/globals';
import { routeHostnameConflictCrossNamespaceRule } from '../../../src/rules/ingress/route-hostname-conflict-cross-namespace.js';
import type { Finding } from '../../../src/rules/types.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { k8sGateway, ns, route } from './fixtures.js';

const config = { systemNamespaces: ['infra'] };
const cluster = ns('infra', 'tenant-a', 'tenant-b');
const all = { namespaces: { from: 'All' } };
const shared = (...listeners: Array<Record<string, unknown>>) => k8sGateway('infra', 'shared', listeners.length > 0 ? listeners : [{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: all }]);
const path = (type: string, value: string, extra: Record<string, unknown> = {}) => ({ matches: [{ path: { type, value }, ...extra }], backendRefs: [{ name: 'app', port: 80 }] });
const older = '2024-01-10T00:00:00Z';
const newer = '2024-03-10T00:00:00Z';
const conflicts = (f: Finding) => f.evidence.conflicts as Array<Record<string, unknown>>;

runRuleTests(routeHostnameConflictCrossNamespaceRule, {
  valid: [
    { name: 'different hostnames', config, manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'] }) + route('tenant-b', 'blog', { hostnames: ['blog.example.com'] }) },
    {
      name: 'same hostname, disjoint paths (/cart and /cartoons are different path elements)',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], rules: [path('PathPrefix', '/cart')] }) + route('tenant-b', 'toons', { hostnames: ['shop.example.com'], rules: [path('PathPrefix', '/cartoons')] }),
    },
    { name: 'same hostname, one namespace', config, manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'] }) + route('tenant-a', 'shop-v2', { hostnames: ['shop.example.com'] }) },
    {
      name: 'same hostname on different listeners (sectionName) with different hostnames',
      config,
      manifests:
        cluster +
        shared({ name: 'a', port: 80, protocol: 'HTTP', hostname: 'a.example.com', allowedRoutes: all }, { name: 'b', port: 80, protocol: 'HTTP', hostname: 'b.example.com', allowedRoutes: all }) +
        route('tenant-a', 'a', { parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'a' }] }) +
        route('tenant-b', 'b', { parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'b' }] }),
    },
    {
      name: 'allowedRoutes Same: tenant routes are not attached at all',
      config,
      manifests: cluster + shared({ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' }) + route('tenant-a', 'shop', { hostnames: ['shop.example.com'] }) + route('tenant-b', 'promo', { hostnames: ['shop.example.com'] }),
    },
    {
      name: 'disjoint exact header values',
      config,
      manifests:
        cluster +
        shared() +
        route('tenant-a', 'blue', { hostnames: ['shop.example.com'], rules: [path('PathPrefix', '/', { headers: [{ name: 'X-Env', value: 'blue' }] })] }) +
        route('tenant-b', 'green', { hostnames: ['shop.example.com'], rules: [path('PathPrefix', '/', { headers: [{ name: 'x-env', value: 'green' }] })] }),
    },
    {
      name: 'different methods',
      config,
      manifests: cluster + shared() + route('tenant-a', 'read', { hostnames: ['shop.example.com'], rules: [path('PathPrefix', '/', { method: 'GET' })] }) + route('tenant-b', 'write', { hostnames: ['shop.example.com'], rules: [path('PathPrefix', '/', { method: 'POST' })] }),
    },
    {
      name: 'listener isolation: a wildcard listener does not take hostnames a more specific listener owns',
      config,
      manifests:
        cluster +
        shared({ name: 'wild', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: all }, { name: 'shop', port: 80, protocol: 'HTTP', hostname: 'shop.example.com', allowedRoutes: all }) +
        route('tenant-a', 'shop', { parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'shop' }] }) +
        route('tenant-b', 'promo', { hostnames: ['shop.example.com'], parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'wild' }] }),
    },
    {
      name: 'passthrough listeners of one port: a wildcard SNI route and an exact one are different filter chains (Envoy picks the exact one)',
      config,
      manifests:
        cluster +
        shared(
          { name: 'a-wild', port: 443, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
          { name: 'db', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
        ) +
        route('tenant-a', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: older, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'db' }] }) +
        route('tenant-b', 'any', { kind: 'TLSRoute', hostnames: ['*.example.com'], created: newer, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'a-wild' }] }),
    },
  ],
  invalid: [
    {
      name: 'same hostname and path: the oldest route wins (creationTimestamp); reported on the newer one',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: older }) + route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: newer }),
      findings: [
        {
          severity: 'critical',
          namespace: 'tenant-b',
          resourceName: 'promo',
          subjectKey: 'infra/shared/http',
          affectedNamespaces: ['tenant-a'],
          messageIncludes: ['the older route HTTPRoute tenant-a/shop wins (creationTimestamp)'],
          check: (f) => {
            expect(conflicts(f)).toEqual([{ host: 'shop.example.com', winner: 'HTTPRoute tenant-a/shop', loser: 'HTTPRoute tenant-b/promo', winnerMatch: 'PathPrefix /', loserMatch: 'PathPrefix /', decidedBy: 'creation-timestamp' }]);
            expect(f.evidence.exposureEdges).toEqual([{ from: 'tenant-a', to: 'tenant-b', kind: 'ingress' }]);
          },
        },
      ],
    },
    {
      name: 'a precedence tie at the same second: "{namespace}/{name}" decides',
      config,
      manifests: cluster + shared() + route('tenant-b', 'aaa', { hostnames: ['shop.example.com'], created: older }) + route('tenant-a', 'zzz', { hostnames: ['shop.example.com'], created: older }),
      findings: [{ namespace: 'tenant-b', resourceName: 'aaa', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-a/zzz', decidedBy: 'name' }) }],
    },
    {
      name: 'no creationTimestamp (offline manifests): namespace/name decides, and the evidence says the time is unknown',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: null }) + route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: null }),
      findings: [{ namespace: 'tenant-b', messageIncludes: ['creation times are unknown here'], check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-a/shop', decidedBy: 'name', creationTimestamps: 'unknown' }) }],
    },
    {
      name: 'a newer route with a longer PathPrefix takes the older tenant\'s paths',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: older }) + route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: newer, rules: [path('PathPrefix', '/checkout/')] }),
      findings: [
        {
          namespace: 'tenant-b',
          messageIncludes: ['HTTPRoute tenant-b/promo wins PathPrefix /checkout over tenant-a/shop\'s PathPrefix /'],
          check: (f) => {
            expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/promo', decidedBy: 'match' });
            expect(f.evidence.exposureEdges).toEqual([{ from: 'tenant-b', to: 'tenant-a', kind: 'ingress' }]);
          },
        },
      ],
    },
    {
      name: 'Exact beats PathPrefix of the same path',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: newer, rules: [path('PathPrefix', '/login')] }) + route('tenant-b', 'login', { hostnames: ['shop.example.com'], created: older, rules: [path('Exact', '/login')] }),
      findings: [{ namespace: 'tenant-a', resourceName: 'shop', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/login', winnerMatch: 'Exact /login', decidedBy: 'match' }) }],
    },
    {
      name: 'a more specific hostname takes the host from a wildcard route, whatever the paths',
      config,
      manifests: cluster + shared() + route('tenant-a', 'everything', { hostnames: ['*.example.com'], created: older }) + route('tenant-b', 'shop', { hostnames: ['shop.example.com'], created: newer, rules: [path('Exact', '/x')] }),
      findings: [{ namespace: 'tenant-b', messageIncludes: ['takes every request to shop.example.com'], check: (f) => expect(conflicts(f)[0]).toMatchObject({ host: 'shop.example.com', winner: 'HTTPRoute tenant-b/shop', decidedBy: 'hostname' }) }],
    },
    {
      name: 'a route without hostnames serves the listener hostname',
      config,
      manifests: cluster + shared() + route('tenant-a', 'everything', { created: older }) + route('tenant-b', 'also', { hostnames: ['*.example.com'], created: newer }),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(f.evidence.hosts).toEqual(['*.example.com']) }],
    },
    {
      name: 'TLSRoutes with the same SNI hostname on a passthrough listener',
      config,
      manifests:
        cluster +
        shared({ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: all }) +
        route('tenant-a', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: older }) +
        route('tenant-b', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: newer }),
      findings: [{ namespace: 'tenant-b', messageIncludes: ['every connection'], check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'TLSRoute tenant-a/db' }) }],
    },
    {
      name: 'no Listener Isolation for TLSRoutes (Istio applies it to HTTP and gRPC routes only): two tenants compete for an SNI name on the wildcard listener although an exact listener has it',
      config,
      manifests:
        cluster +
        shared(
          { name: 'wild', port: 443, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
          { name: 'db', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
        ) +
        route('tenant-a', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: older, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'wild' }] }) +
        route('tenant-b', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: newer, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'wild' }] }),
      findings: [{ namespace: 'tenant-b', subjectKey: 'infra/shared/wild', check: (f) => expect(conflicts(f)[0]).toMatchObject({ host: 'db.example.com', winner: 'TLSRoute tenant-a/db' }) }],
    },
    {
      name: 'passthrough listeners of one port: a newer route on the wildcard listener takes an SNI name of the exact listener, because its listener name sorts first (gateway.go CheckDuplicates)',
      config,
      manifests:
        cluster +
        shared(
          { name: 'db', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
          { name: 'a-wild', port: 443, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
        ) +
        route('tenant-a', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: older, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'db' }] }) +
        route('tenant-b', 'squat', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: newer, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'a-wild' }] }),
      findings: [
        {
          namespace: 'tenant-b',
          resourceName: 'squat',
          subjectKey: 'infra/shared/db',
          affectedNamespaces: ['tenant-a'],
          messageIncludes: ['on listener a-wild takes every connection for SNI db.example.com'],
          check: (f) => expect(conflicts(f)[0]).toMatchObject({ host: 'db.example.com', winner: 'TLSRoute tenant-b/squat', loser: 'TLSRoute tenant-a/db', decidedBy: 'listener-order', winnerListener: 'a-wild' }),
        },
      ],
    },
    {
      name: 'passthrough listeners of one port: the exact listener sorting first keeps its SNI name; the squatting route is still reported',
      config,
      manifests:
        cluster +
        shared(
          { name: 'db', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
          { name: 'z-wild', port: 443, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: all },
        ) +
        route('tenant-a', 'db', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: newer, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'db' }] }) +
        route('tenant-b', 'squat', { kind: 'TLSRoute', hostnames: ['db.example.com'], created: older, parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'z-wild' }] }),
      findings: [{ namespace: 'tenant-a', resourceName: 'db', subjectKey: 'infra/shared/z-wild', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'TLSRoute tenant-a/db', decidedBy: 'listener-order', winnerListener: 'db' }) }],
    },
    {
      name: 'Istio tries catch-all routes last: a newer regex route beats an older PathPrefix / (SortVHostRoutes), although the spec ranks PathPrefix first',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: older, rules: [path('PathPrefix', '/')] }) + route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: newer, rules: [path('RegularExpression', '/.*')] }),
      findings: [{ namespace: 'tenant-b', messageIncludes: ["over tenant-a/shop's catch-all PathPrefix /"], check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/promo', winnerMatch: 'RegularExpression /.*', decidedBy: 'catch-all' }) }],
    },
    {
      name: 'a prefix / with a header match is not a catch-all: precedence (more headers) decides',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: older, rules: [path('RegularExpression', '/.*')] }) + route('tenant-b', 'canary', { hostnames: ['shop.example.com'], created: newer, rules: [path('PathPrefix', '/', { headers: [{ name: 'x-canary', value: '1' }] })] }),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/canary', decidedBy: 'match' }) }],
    },
    {
      name: 'an explicit PathPrefix / comes before a rule without matches, even from a newer route (sortHTTPRoutes)',
      config,
      manifests:
        cluster +
        shared() +
        route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: older }) +
        route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: newer, rules: [path('PathPrefix', '/')] }),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/promo', loser: 'HTTPRoute tenant-a/shop', decidedBy: 'match' }) }],
    },
    {
      name: 'two rules without matches: the older route wins',
      config,
      manifests: cluster + shared() + route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: newer }) + route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: older }),
      findings: [{ namespace: 'tenant-a', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/promo', decidedBy: 'creation-timestamp' }) }],
    },
    {
      name: 'different hostname entries meeting on a listener hostname are separate VirtualServices: the older route\'s rules come first, whatever their specificity',
      config,
      manifests:
        cluster +
        shared({ name: 'shop', port: 80, protocol: 'HTTP', hostname: 'shop.example.com', allowedRoutes: all }) +
        route('tenant-a', 'wild', { hostnames: ['*.example.com'], created: older, rules: [path('PathPrefix', '/api')] }) +
        route('tenant-b', 'shop', { hostnames: ['shop.example.com'], created: newer, rules: [path('PathPrefix', '/api/v2')] }),
      findings: [
        {
          namespace: 'tenant-b',
          messageIncludes: ['separate VirtualServices'],
          check: (f) => expect(conflicts(f)[0]).toMatchObject({ host: 'shop.example.com', winner: 'HTTPRoute tenant-a/wild', winnerMatch: 'PathPrefix /api', decidedBy: 'virtual-service-order' }),
        },
      ],
    },
    {
      name: 'a GRPCRoute without a method match (no URI) ranks after an HTTPRoute path match',
      config,
      manifests:
        cluster +
        shared() +
        route('tenant-a', 'grpc', { kind: 'GRPCRoute', hostnames: ['api.example.com'], created: older, rules: [{ matches: [{ headers: [{ name: 'x-tenant', value: 'a' }] }], backendRefs: [{ name: 'grpc', port: 9000 }] }] }) +
        route('tenant-b', 'api', { hostnames: ['api.example.com'], created: newer, rules: [path('RegularExpression', '/.+', { headers: [{ name: 'x-other', value: 'b' }] })] }),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'HTTPRoute tenant-b/api', decidedBy: 'match' }) }],
    },
    {
      name: 'each route takes some of the other\'s requests: both directions are reported, with both exposure edges',
      config,
      manifests:
        cluster +
        shared() +
        route('tenant-a', 'shop', { hostnames: ['shop.example.com'], created: older, rules: [path('RegularExpression', '/.*\\.png'), path('PathPrefix', '/')] }) +
        route('tenant-b', 'promo', { hostnames: ['shop.example.com'], created: newer, rules: [path('PathPrefix', '/promo'), path('PathPrefix', '/')] }),
      findings: [
        {
          namespace: 'tenant-b',
          check: (f) => {
            const pairs = conflicts(f).map((conflict) => `${String(conflict.winner)} ${String(conflict.decidedBy)}`).sort();
            expect(pairs).toEqual(['HTTPRoute tenant-a/shop catch-all', 'HTTPRoute tenant-b/promo match']);
            expect(f.evidence.exposureEdges).toEqual([
              { from: 'tenant-a', to: 'tenant-b', kind: 'ingress' },
              { from: 'tenant-b', to: 'tenant-a', kind: 'ingress' },
            ]);
          },
        },
      ],
    },
    {
      name: 'a GRPCRoute service match overlaps an HTTPRoute prefix of the same path',
      config,
      manifests:
        cluster +
        shared() +
        route('tenant-a', 'api', { hostnames: ['api.example.com'], created: older, rules: [path('PathPrefix', '/shop.Cart')] }) +
        route('tenant-b', 'grpc', { kind: 'GRPCRoute', hostnames: ['api.example.com'], created: newer, rules: [{ matches: [{ method: { service: 'shop.Cart', method: 'Checkout' } }], backendRefs: [{ name: 'grpc', port: 9000 }] }] }),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(conflicts(f)[0]).toMatchObject({ winner: 'GRPCRoute tenant-b/grpc', winnerMatch: 'Exact /shop.Cart/Checkout', decidedBy: 'match' }) }],
    },
  ],
});
