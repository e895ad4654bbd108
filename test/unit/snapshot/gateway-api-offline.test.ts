/**
 * Issue 14: a manifest set made only of Gateway API objects is read (every served version)
 * and scanned, through the library and through the real CLI.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotFromManifests } from '../../../src/snapshot/offline.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const doc = (apiVersion: string, kind: string, namespace: string | undefined, name: string, spec: Record<string, unknown>, created?: string) =>
  `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: ${JSON.stringify({ name, ...(namespace ? { namespace } : {}), ...(created ? { creationTimestamp: created } : {}) })}\nspec: ${JSON.stringify(spec)}\n`;

const parent = { parentRefs: [{ name: 'shared', namespace: 'infra' }] };
/** Only Gateway API kinds, each at an older version a cluster may still serve. */
const GATEWAY_API_ONLY =
  doc('gateway.networking.k8s.io/v1beta1', 'GatewayClass', undefined, 'istio', { controllerName: 'istio.io/gateway-controller' }) +
  doc('gateway.networking.k8s.io/v1beta1', 'Gateway', 'infra', 'shared', {
    gatewayClassName: 'istio',
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'tcp', port: 5432, protocol: 'TCP' },
    ],
  }) +
  doc('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'shop', { ...parent, hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] }, '2024-01-01T00:00:00Z') +
  doc('gateway.networking.k8s.io/v1beta1', 'HTTPRoute', 'team-b', 'promo', { ...parent, hostnames: ['shop.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'promo', port: 80 }] }] }, '2024-02-01T00:00:00Z') +
  doc('gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', 'team-a', 'rpc', { ...parent, hostnames: ['rpc.example.com'], rules: [{ backendRefs: [{ name: 'rpc', port: 9000 }] }] }) +
  doc('gateway.networking.k8s.io/v1alpha3', 'TLSRoute', 'team-a', 'db', { ...parent, hostnames: ['db.example.com'], rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] }) +
  doc('gateway.networking.k8s.io/v1alpha2', 'TLSRoute', 'team-b', 'db2', { ...parent, hostnames: ['db2.example.com'], rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] }) +
  doc('gateway.networking.k8s.io/v1alpha2', 'TCPRoute', 'infra', 'pg', { parentRefs: [{ name: 'shared', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'pg', namespace: 'team-a', port: 5432 }] }] }) +
  doc('gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', 'team-a', 'open', { from: [{ group: 'gateway.networking.k8s.io', kind: 'TCPRoute', namespace: 'infra' }], to: [{ group: '', kind: 'Service' }] });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iis-gwapi-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('a manifest set made only of Gateway API objects', () => {
  it('is read at v1, v1beta1, v1alpha2 and v1alpha3 into the Gateway API kinds', () => {
    const { snapshot, anythingRead } = snapshotFromManifests([folder({ 'routes.yaml': GATEWAY_API_ONLY })]);
    expect(anythingRead).toBe(true);
    expect(snapshot.inputProblems).toEqual([]);
    const names = (kind: keyof typeof snapshot.objects) => snapshot.objects[kind].map((object) => `${object.metadata.namespace}/${object.metadata.name}`).sort();
    expect(names('GatewayClass')).toEqual(['/istio']);
    expect(names('KubernetesGateway')).toEqual(['infra/shared']);
    expect(snapshot.objects.Gateway).toEqual([]);
    expect(names('HTTPRoute')).toEqual(['team-a/shop', 'team-b/promo']);
    expect(names('GRPCRoute')).toEqual(['team-a/rpc']);
    expect(names('TLSRoute')).toEqual(['team-a/db', 'team-b/db2']);
    expect(names('TCPRoute')).toEqual(['infra/pg']);
    expect(names('ReferenceGrant')).toEqual(['team-a/open']);
    expect(snapshot.coverage.HTTPRoute).toEqual({ status: 'read', objects: 2 });
  });

  it('names a version the scanner does not understand, with the versions it does', () => {
    const { snapshot } = snapshotFromManifests([folder({ 'old.yaml': doc('gateway.networking.k8s.io/v1alpha1', 'HTTPRoute', 'team-a', 'ancient', parent) })]);
    expect(snapshot.objects.HTTPRoute).toEqual([]);
    expect(snapshot.inputProblems.map((problem) => problem.message).join('\n')).toMatch(/gateway\.networking\.k8s\.io\/v1alpha1 HTTPRoute.*gateway\.networking\.k8s\.io\/v1\b/);
  });

  it('is scanned by the CLI: findings of the Gateway API rules, no refusal', () => {
    const dir = folder({ 'routes.yaml': GATEWAY_API_ONLY });
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'scan', '--manifests', dir, '--format', 'json', '--fail-on', 'none'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stderr).not.toMatch(/nothing (could be )?read|no Kubernetes objects/i);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { clusters: Array<{ findings: Array<{ ruleId: string; namespace?: string; message: string }> }> };
    const findings = report.clusters[0]!.findings;
    const byRule = (id: string) => findings.filter((finding) => finding.ruleId === id);
    expect(byRule('route-hostname-conflict-cross-namespace').map((finding) => finding.namespace)).toEqual(['team-b']);
    expect(byRule('gateway-allowedroutes-broad').length).toBeGreaterThan(0);
    expect(byRule('referencegrant-broad').map((finding) => finding.namespace)).toEqual(['team-a']);
  });
});
