import { describe, expect, it } from '@jest/globals';
import { parseEgressHost, sidecarEgressHostsOf, sidecarOutboundModeOf } from '../../../src/mesh/accessors.js';
import { egressHostImports, SidecarIndex } from '../../../src/mesh/sidecars.js';
import { obj, snapshot } from './fixtures.js';

function index(objects: ReturnType<typeof obj>[]): SidecarIndex {
  const snap = snapshot(objects);
  return new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
}

const sidecar = (ns: string, name: string, spec: Record<string, unknown>, created?: string) => obj('Sidecar', ns, name, spec, { created });

describe('effective Sidecar of a namespace', () => {
  it('is the built-in default (*/*) without any Sidecar', () => {
    const scope = index([obj('Namespace', '', 'tenant-a')]).namespaceScope('tenant-a');
    expect(scope.kind).toBe('default');
    expect(scope.egressHosts.map((h) => h.raw)).toEqual(['*/*']);
  });
  it('is the root default when the namespace has none', () => {
    const scope = index([sidecar('istio-system', 'default', { egress: [{ hosts: ['./*'] }] })]).namespaceScope('tenant-a');
    expect(scope).toMatchObject({ kind: 'root', namespace: 'tenant-a', egressDeclared: true });
  });
  it("the namespace's own selector-less Sidecar replaces the root one (no merge)", () => {
    const idx = index([sidecar('istio-system', 'default', { egress: [{ hosts: ['./*'] }] }), sidecar('tenant-a', 'default', { egress: [{ hosts: ['*/*'] }] })]);
    const scope = idx.namespaceScope('tenant-a');
    expect(scope.kind).toBe('namespace');
    expect(scope.egressHosts.map((h) => h.raw)).toEqual(['*/*']);
  });
  it('takes the oldest of several selector-less Sidecars', () => {
    const idx = index([sidecar('tenant-a', 'newer', { egress: [{ hosts: ['./*'] }] }, '2024-02-01T00:00:00Z'), sidecar('tenant-a', 'older', { egress: [{ hosts: ['*/*'] }] }, '2024-01-01T00:00:00Z')]);
    expect(idx.namespaceScope('tenant-a').sidecar?.metadata.name).toBe('older');
    expect(idx.defaultSidecarsOf('tenant-a').map((s) => s.metadata.name)).toEqual(['older', 'newer']);
  });
  it('a Sidecar without egress imports */*', () => {
    const scope = index([sidecar('tenant-a', 'default', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })]).namespaceScope('tenant-a');
    expect(scope.egressDeclared).toBe(false);
    expect(scope.egressHosts.map((h) => h.raw)).toEqual(['*/*']);
  });
  it('ignores Sidecars in ambient namespaces', () => {
    const objects = [obj('Namespace', '', 'amb', {}, { labels: { 'istio.io/dataplane-mode': 'ambient' } }), sidecar('amb', 'default', { egress: [{ hosts: ['./*'] }] })];
    const idx = index(objects);
    expect(idx.namespaceScope('amb').kind).toBe('default');
    expect(idx.workloadScopes('amb')).toEqual([]);
  });
});

describe('workload scopes', () => {
  const idx = index([
    sidecar('tenant-a', 'default', { egress: [{ hosts: ['./*'] }] }),
    sidecar('tenant-a', 'ratings', { workloadSelector: { labels: { app: 'ratings' } } }, '2024-01-02T00:00:00Z'),
    sidecar('tenant-a', 'ratings-v2', { workloadSelector: { labels: { app: 'ratings', version: 'v2' } }, egress: [{ hosts: ['./*'] }] }, '2024-01-03T00:00:00Z'),
  ]);
  it('lists workload-selected Sidecars as extra scopes', () => {
    expect(idx.scopesOf('tenant-a').map((s) => [s.kind, s.sidecar?.metadata.name])).toEqual([
      ['namespace', 'default'],
      ['workload', 'ratings'],
      ['workload', 'ratings-v2'],
    ]);
  });
  it('a workload uses the oldest selecting Sidecar, else the namespace scope', () => {
    expect(idx.scopeForWorkload('tenant-a', { app: 'ratings', version: 'v2' }).sidecar?.metadata.name).toBe('ratings');
    expect(idx.scopeForWorkload('tenant-a', { app: 'reviews' }).sidecar?.metadata.name).toBe('default');
  });
  it('a workload Sidecar without egress escapes the namespace default', () => {
    expect(idx.workloadScopes('tenant-a')[0]!.egressHosts.map((h) => h.raw)).toEqual(['*/*']);
  });
});

describe('a workloadSelector without labels (push_context.go initSidecarScopes, doGetSidecarScope)', () => {
  // Istio tries selector Sidecars oldest first, before any selector-less one, and an empty selector
  // is a subset of every workload's labels.
  const idx = index([
    sidecar('tenant-a', 'default', { egress: [{ hosts: ['*/*'] }] }, '2023-01-01T00:00:00Z'),
    sidecar('tenant-a', 'ratings', { workloadSelector: { labels: { app: 'ratings' } }, egress: [{ hosts: ['./*'] }] }, '2024-01-01T00:00:00Z'),
    sidecar('tenant-a', 'everyone', { workloadSelector: { labels: {} }, egress: [{ hosts: ['./*', 'istio-system/*'] }] }, '2024-02-01T00:00:00Z'),
    sidecar('tenant-a', 'reviews', { workloadSelector: { labels: { app: 'reviews' } }, egress: [{ hosts: ['*/*'] }] }, '2024-03-01T00:00:00Z'),
  ]);
  it('is the namespace-wide scope, before an older selector-less Sidecar', () => {
    expect(idx.namespaceScope('tenant-a')).toMatchObject({ kind: 'namespace', sidecar: { metadata: { name: 'everyone' } } });
    expect(idx.wideSidecarsOf('tenant-a').map((s) => s.metadata.name)).toEqual(['everyone']);
  });
  it('leaves older selector Sidecars their workloads and takes those of newer ones', () => {
    expect(idx.scopeForWorkload('tenant-a', { app: 'ratings' }).sidecar?.metadata.name).toBe('ratings');
    expect(idx.scopeForWorkload('tenant-a', { app: 'reviews' }).sidecar?.metadata.name).toBe('everyone');
    expect(idx.scopesOf('tenant-a').map((s) => [s.kind, s.sidecar?.metadata.name])).toEqual([
      ['namespace', 'everyone'],
      ['workload', 'ratings'],
    ]);
  });
  it('in the root namespace is not the mesh default (only a selector-less Sidecar is)', () => {
    const root = index([sidecar('istio-system', 'everyone', { workloadSelector: {}, egress: [{ hosts: ['./*'] }] })]);
    expect(root.namespaceScope('tenant-a').kind).toBe('default');
    expect(root.namespaceScope('istio-system')).toMatchObject({ kind: 'namespace', sidecar: { metadata: { name: 'everyone' } } });
  });
});

describe('egress hosts', () => {
  it('parses ns/dnsName, and marks hosts without a namespace as invalid', () => {
    expect(parseEgressHost('./*')).toEqual({ raw: './*', namespace: '.', dnsName: '*' });
    expect(parseEgressHost('api.example.com')).toEqual({ raw: 'api.example.com', namespace: '', dnsName: 'api.example.com' });
  });
  it('unions the hosts of every egress listener and ignores mistyped entries', () => {
    const s = sidecar('a', 's', { egress: [{ hosts: ['./*'] }, { hosts: ['b/x.example.com', 42] }, 'junk'] });
    expect(sidecarEgressHostsOf(s)?.map((h) => h.raw)).toEqual(['./*', 'b/x.example.com']);
  });
  it.each([
    ['*/*', 'tenant-a', 'tenant-b', 'x.example.com', true, 'overlapping'],
    ['./*', 'tenant-a', 'tenant-a', 'x.example.com', true, 'overlapping'],
    ['./*', 'tenant-a', 'tenant-b', 'x.example.com', false, 'overlapping'],
    ['tenant-b/*.example.com', 'tenant-a', 'tenant-b', 'x.example.com', true, 'covered'],
    ['tenant-b/*.example.com', 'tenant-a', 'tenant-c', 'x.example.com', false, 'covered'],
    // sidecar.go: a VirtualService is imported when either host covers the other (VSMatches: Matches)...
    ['*/api.example.com', 'tenant-a', 'tenant-b', '*.example.com', true, 'overlapping'],
    // ...a service only when the egress host covers its hostname (hostClassification.Matches: SubsetOf).
    ['*/api.example.com', 'tenant-a', 'tenant-b', '*.example.com', false, 'covered'],
    ['*/*.example.com', 'tenant-a', 'tenant-b', '*.api.example.com', true, 'covered'],
    ['*/*.api.example.com', 'tenant-a', 'tenant-b', '*.example.com', false, 'covered'],
    ['*/api.example.com', 'tenant-a', 'tenant-b', 'web.example.com', false, 'overlapping'],
    ['~/*', 'tenant-a', 'tenant-a', 'x.example.com', false, 'overlapping'],
    ['./*', 'shared', '.', 'x.example.com', false, 'overlapping'], // a keyword is never a literal owner name
    ['~/*', 'shared', '~', 'x.example.com', false, 'overlapping'],
  ] as const)('%s in %s imports an object of %s with host %s: %s (%s)', (raw, scopeNs, owner, host, expected, match) => {
    expect(egressHostImports(parseEgressHost(raw), scopeNs, owner, host, match)).toBe(expected);
  });
  it('outboundTrafficPolicy {} means REGISTRY_ONLY', () => {
    expect(sidecarOutboundModeOf(sidecar('a', 's', { outboundTrafficPolicy: {} }))).toBe('REGISTRY_ONLY');
    expect(sidecarOutboundModeOf(sidecar('a', 's', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }))).toBe('ALLOW_ANY');
    expect(sidecarOutboundModeOf(sidecar('a', 's', {}))).toBeUndefined();
  });
});
