/**
 * Live collection of the Kubernetes Gateway API (gateway.networking.k8s.io) against the API
 * server double: every kind is discovered and LISTed at a version the server serves (v1,
 * v1beta1, v1alpha2, v1alpha3 for TLSRoute), Istio's Gateway and the Gateway API's Gateway
 * stay apart, an absent group is "not installed" (no error, no scan-incomplete), and a
 * group the identity may not read is reported, never taken as empty.
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { GATEWAY_API_GROUP } from '../../../src/snapshot/kinds.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import type { ClusterSnapshot, SnapshotKind } from '../../../src/snapshot/types.js';
import { startKubeApiServerDouble, type KubeApiServerDoubleOptions } from '../../doubles/kube-apiserver/index.js';
import type { RbacPolicy } from '../../doubles/kube-apiserver/rbac.js';
import { FAST_HTTP, kubeConfigOf } from './helpers.js';

const GATEWAY_API_KINDS = ['GatewayClass', 'KubernetesGateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'ReferenceGrant'] as const satisfies readonly SnapshotKind[];

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), creationTimestamp: '2025-01-01T00:00:00Z' });
const parent = { parentRefs: [{ name: 'shared', namespace: 'infra-gw' }] };

/** One object of every Gateway API kind, plus an Istio Gateway with the same name as the Gateway API one. */
function objects(versions: Partial<Record<(typeof GATEWAY_API_KINDS)[number], string>> = {}): Array<Record<string, unknown>> {
  const v = (kind: (typeof GATEWAY_API_KINDS)[number]) => `${GATEWAY_API_GROUP}/${versions[kind] ?? 'v1'}`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra-gw' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
    { apiVersion: v('GatewayClass'), kind: 'GatewayClass', metadata: meta('istio'), spec: { controllerName: 'istio.io/gateway-controller' } },
    {
      apiVersion: v('KubernetesGateway'),
      kind: 'Gateway',
      metadata: meta('shared', 'infra-gw'),
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] },
    },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta('shared', 'infra-gw'), spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
    { apiVersion: v('HTTPRoute'), kind: 'HTTPRoute', metadata: meta('web', 'team-a'), spec: { ...parent, hostnames: ['web.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } },
    { apiVersion: v('GRPCRoute'), kind: 'GRPCRoute', metadata: meta('rpc', 'team-a'), spec: { ...parent, rules: [{ backendRefs: [{ name: 'rpc', port: 9000 }] }] } },
    { apiVersion: v('TLSRoute'), kind: 'TLSRoute', metadata: meta('tls', 'team-a'), spec: { ...parent, hostnames: ['tls.example.com'], rules: [{ backendRefs: [{ name: 'tls', port: 443 }] }] } },
    { apiVersion: v('TCPRoute'), kind: 'TCPRoute', metadata: meta('tcp', 'team-a'), spec: { ...parent, rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] } },
    { apiVersion: v('ReferenceGrant'), kind: 'ReferenceGrant', metadata: meta('from-gateway', 'team-a'), spec: { from: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute', namespace: 'infra-gw' }], to: [{ group: '', kind: 'Service' }] } },
  ];
}

async function scan(options: KubeApiServerDoubleOptions): Promise<{ snapshot: ClusterSnapshot; paths: string[] }> {
  const double = await startKubeApiServerDouble(options);
  try {
    const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'gateway-api' }, http: FAST_HTTP });
    return { snapshot, paths: double.requests.map((request) => request.path) };
  } finally {
    await double.close();
  }
}

describe('Gateway API live collection', () => {
  it('lists every kind once, cluster-wide, at v1, and keeps the two Gateway kinds apart', async () => {
    const { snapshot, paths } = await scan({ objects: objects() });
    for (const kind of GATEWAY_API_KINDS) {
      expect(snapshot.coverage[kind]).toMatchObject({ status: 'read', apiVersion: `${GATEWAY_API_GROUP}/v1`, objects: 1, requests: 1 });
      expect(snapshot.objects[kind]).toHaveLength(1);
    }
    expect(snapshot.objects.KubernetesGateway[0]).toMatchObject({ kind: 'Gateway', apiVersion: `${GATEWAY_API_GROUP}/v1`, metadata: { name: 'shared', namespace: 'infra-gw' } });
    expect(snapshot.objects.KubernetesGateway[0]!.spec.listeners).toEqual([{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]);
    expect(snapshot.objects.Gateway.map((gateway) => gateway.apiVersion)).toEqual(['networking.istio.io/v1']);
    expect(snapshot.objects.HTTPRoute[0]!.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(paths).toContain(`/apis/${GATEWAY_API_GROUP}/v1/gateways`);
    expect(paths).toContain(`/apis/${GATEWAY_API_GROUP}/v1/httproutes`);
    expect(paths.filter((path) => path.includes('/namespaces/') && !path.includes('/configmaps/'))).toEqual([]);
    expect(snapshot.inputProblems).toEqual([]);
  });

  it('reads older installs at the versions they serve (v1beta1, v1alpha2; TLSRoute v1alpha3)', async () => {
    const { snapshot } = await scan({
      objects: objects({ GatewayClass: 'v1beta1', KubernetesGateway: 'v1beta1', HTTPRoute: 'v1beta1', GRPCRoute: 'v1alpha2', TLSRoute: 'v1alpha3', TCPRoute: 'v1alpha2', ReferenceGrant: 'v1beta1' }),
      groupVersions: { [GATEWAY_API_GROUP]: { versions: ['v1beta1', 'v1alpha3', 'v1alpha2'], preferred: 'v1beta1' } },
    });
    expect(snapshot.coverage.KubernetesGateway).toMatchObject({ status: 'read', apiVersion: `${GATEWAY_API_GROUP}/v1beta1`, objects: 1 });
    expect(snapshot.coverage.ReferenceGrant).toMatchObject({ status: 'read', apiVersion: `${GATEWAY_API_GROUP}/v1beta1`, objects: 1 });
    expect(snapshot.coverage.GRPCRoute).toMatchObject({ status: 'read', apiVersion: `${GATEWAY_API_GROUP}/v1alpha2`, objects: 1 });
    expect(snapshot.coverage.TCPRoute).toMatchObject({ status: 'read', apiVersion: `${GATEWAY_API_GROUP}/v1alpha2`, objects: 1 });
    expect(snapshot.coverage.TLSRoute).toMatchObject({ status: 'read', apiVersion: `${GATEWAY_API_GROUP}/v1alpha3`, objects: 1 });
    expect(snapshot.objects.TLSRoute[0]!.apiVersion).toBe(`${GATEWAY_API_GROUP}/v1alpha3`);
  });

  it('Gateway API not installed: every kind absent ("not installed"), nothing asked of the group, no scan-incomplete', async () => {
    const { snapshot, paths } = await scan({ objects: objects(), absentGroups: [GATEWAY_API_GROUP] });
    for (const kind of GATEWAY_API_KINDS) {
      expect(snapshot.coverage[kind]).toMatchObject({ status: 'absent', requests: 0 });
      expect(snapshot.coverage[kind]!.error).toContain('not installed');
    }
    expect(paths.some((path) => path.includes(GATEWAY_API_GROUP))).toBe(false);
    expect(snapshot.coverage.Gateway).toMatchObject({ status: 'read' });
    expect(evaluateSnapshot(snapshot, defaultConfig()).filter((finding) => finding.ruleId === 'scan-incomplete')).toEqual([]);
  });

  it('a group the identity may not read is forbidden, not empty', async () => {
    const everythingButGatewayApi: RbacPolicy = {
      clusterRules: [
        { verbs: ['get', 'list'], apiGroups: ['', 'apps', 'batch', 'networking.istio.io', 'security.istio.io', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'kyverno.io', 'templates.gatekeeper.sh', 'constraints.gatekeeper.sh'], resources: ['*'] },
        { verbs: ['get'], nonResourceURLs: ['/apis', '/apis/*'] },
      ],
      namespaceRules: [],
    };
    const { snapshot } = await scan({ objects: objects(), rbac: everythingButGatewayApi });
    for (const kind of GATEWAY_API_KINDS) expect(snapshot.coverage[kind]).toMatchObject({ status: 'forbidden', requests: 1 });
    expect(snapshot.coverage.HTTPRoute!.error).toContain('cannot list resource "httproutes" in API group "gateway.networking.k8s.io"');
    expect(snapshot.objects.HTTPRoute).toEqual([]);
    const incomplete = evaluateSnapshot(snapshot, defaultConfig()).filter((finding) => finding.ruleId === 'scan-incomplete');
    expect(incomplete.map((finding) => finding.evidence.kind).sort()).toEqual([...GATEWAY_API_KINDS].sort());
  });
});
