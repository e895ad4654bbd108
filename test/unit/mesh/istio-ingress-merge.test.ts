/**
 * skippedServers against Istio's mergeGateways (pilot/pkg/model/gateway.go): which servers a
 * gateway proxy drops when it merges several Gateways, oldest first. Cases modelled on the
 * shapes of TestMergeGateways (pilot/pkg/model/gateway_test.go).
 */
import { describe, expect, it } from '@jest/globals';
import { serversOf, skippedServers, type GatewayServer } from '../../../src/mesh/istio-ingress.js';
import { obj } from './fixtures.js';

type Server = { port: number; protocol: string; hosts: string[]; bind?: string; tls?: Record<string, unknown>; name?: string };
const gateway = (namespace: string, name: string, ...servers: Server[]) =>
  serversOf(
    obj('Gateway', namespace, name, {
      selector: { istio: 'ingressgateway' },
      servers: servers.map((s, index) => ({ port: { number: s.port, name: s.name ?? `p${index}`, protocol: s.protocol }, hosts: s.hosts, ...(s.bind ? { bind: s.bind } : {}), ...(s.tls ? { tls: s.tls } : {}) })),
    }),
  );
const names = (skipped: Set<GatewayServer>) => [...skipped].map((server) => `${server.gateway.metadata.namespace}/${server.gateway.metadata.name}#${server.index}`);
const simple = { mode: 'SIMPLE', credentialName: 'cert' };

describe('servers a gateway proxy drops when merging Gateways (mergeGateways)', () => {
  it('keeps HTTP servers of several Gateways on one port: they merge into http.<port>', () => {
    expect(names(skippedServers([gateway('a', 'one', { port: 80, protocol: 'HTTP', hosts: ['foo.example.com'] }), gateway('b', 'two', { port: 80, protocol: 'HTTP2', hosts: ['*'] })]))).toEqual([]);
  });

  it('drops a server whose protocol cannot merge with the first plain-text server of its port', () => {
    const tcp = gateway('a', 'tcp', { port: 8080, protocol: 'TCP', hosts: ['*'] });
    const http = gateway('b', 'http', { port: 8080, protocol: 'HTTP', hosts: ['*'] });
    expect(names(skippedServers([tcp, http]))).toEqual(['b/http#0']);
    expect(names(skippedServers([http, tcp]))).toEqual(['a/tcp#0']);
  });

  it('keeps a conflicting server on another bind address', () => {
    expect(names(skippedServers([gateway('a', 'tcp', { port: 8080, protocol: 'TCP', hosts: ['*'] }), gateway('b', 'http', { port: 8080, protocol: 'HTTP', hosts: ['*'], bind: '10.0.0.1' })]))).toEqual([]);
  });

  it('drops a TLS server repeating a host of an earlier TLS server on the same port and bind', () => {
    const first = gateway('tenant-a', 'first', { port: 443, protocol: 'HTTPS', hosts: ['shop.example.com', 'a.example.com'], tls: simple });
    const second = gateway('platform', 'second', { port: 443, protocol: 'HTTPS', hosts: ['*/shop.example.com'], tls: simple });
    expect(names(skippedServers([first, second]))).toEqual(['platform/second#0']);
    // Another bind, another port, or another host: no duplicate.
    expect(names(skippedServers([first, gateway('platform', 'second', { port: 443, protocol: 'HTTPS', hosts: ['shop.example.com'], tls: simple, bind: '10.0.0.1' })]))).toEqual([]);
    expect(names(skippedServers([first, gateway('platform', 'second', { port: 8443, protocol: 'HTTPS', hosts: ['shop.example.com'], tls: simple })]))).toEqual([]);
    expect(names(skippedServers([first, gateway('platform', 'second', { port: 443, protocol: 'HTTPS', hosts: ['*.example.com'], tls: simple })]))).toEqual([]);
  });

  it('compares hosts as sanitizeServerHostNamespace leaves them: ./h is <namespace>/h, a different namespace is a different host', () => {
    const a = gateway('tenant-a', 'a', { port: 443, protocol: 'HTTPS', hosts: ['./shop.example.com'], tls: simple });
    expect(names(skippedServers([a, gateway('tenant-a', 'b', { port: 443, protocol: 'HTTPS', hosts: ['tenant-a/shop.example.com'], tls: simple })]))).toEqual(['tenant-a/b#0']);
    expect(names(skippedServers([a, gateway('tenant-b', 'b', { port: 443, protocol: 'HTTPS', hosts: ['./shop.example.com'], tls: simple })]))).toEqual([]);
  });

  it('an HTTP server with tls (httpsRedirect) takes part in the duplicate check', () => {
    const redirect = { httpsRedirect: true };
    expect(names(skippedServers([gateway('a', 'one', { port: 80, protocol: 'HTTP', hosts: ['*'], tls: redirect }), gateway('b', 'two', { port: 80, protocol: 'HTTP', hosts: ['*'], tls: redirect })]))).toEqual(['b/two#0']);
  });
});
