/**
 * fast-check arbitraries for hostile Kubernetes/Istio manifests: mostly well-formed objects of
 * the kinds the scanner reads, with odd Unicode names, wildcard and huge host lists, exportTo
 * values valid and not, and, with some probability, fields of the wrong type or missing.
 */
import fc from 'fast-check';

/** Namespaces: a small pool (so objects meet) plus odd ones. */
export const namespaceName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('tenant-a', 'tenant-b', 'tenant-c', 'shared', 'istio-system', 'aks-istio-system') },
  { weight: 1, arbitrary: fc.constantFrom('', 'ünïcødé', 'ns\u0000nul', '*', '.', '~', 'kube-system', 'a'.repeat(300), '𝔘𝔫𝔦') },
);

/** Hosts: realistic, wildcard, short names and garbage. */
export const host = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('*', '*.example.com', 'api.example.com', 'payments.tenant-a.svc.cluster.local', '*.svc.cluster.local', '*.tenant-b.svc.cluster.local', 'reviews', 'reviews.tenant-a', 'db.internal', '*.com') },
  { weight: 1, arbitrary: fc.domain() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '**', '*.*', 'ÄPI.example.com', 'xn--nxasmq6b.example', '*.', 'a..b', 'ex ample.com') },
);

/** Occasionally a huge list, to exercise the indexes and never all-pairs comparisons. */
export const hostList = fc.oneof({ weight: 8, arbitrary: fc.array(host, { maxLength: 6 }) }, { weight: 1, arbitrary: fc.array(host, { minLength: 500, maxLength: 2000 }) });

export const exportToValue = fc.constantFrom('.', '*', '~', 'tenant-a', 'tenant-b', 'shared', 'istio-system', '', 'no-such-namespace');
export const exportToList = fc.array(exportToValue, { maxLength: 4 });

/** Sidecar egress hosts: namespace/dnsName. */
export const egressHost = fc.oneof(
  fc.constantFrom('./*', '*/*', 'istio-system/*', 'aks-istio-system/*', '~/*', 'tenant-a/*', 'tenant-b/*.example.com', '*/api.example.com', './reviews.tenant-a.svc.cluster.local'),
  fc.tuple(namespaceName, host).map(([namespace, dnsName]) => `${namespace}/${dnsName}`),
  fc.string({ maxLength: 12 }),
);

const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }), fc.array(fc.integer(), { maxLength: 3 }));

/** A field that is usually right, sometimes of the wrong type, sometimes absent. */
function usually<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fc.constant(undefined) });
}

const labels = fc.dictionary(fc.constantFrom('app', 'istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode', 'team', 'ünï'), fc.constantFrom('enabled', 'disabled', 'asm-1-24', 'ambient', 'x', ''), { maxKeys: 3 });

function metadata(namespaced: boolean) {
  return fc.record(
    {
      name: usually(fc.oneof(fc.constantFrom('default', 'payments', 'reviews', 'istio'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }))),
      namespace: namespaced ? usually(namespaceName) : fc.constant(undefined),
      labels: usually(labels),
      annotations: usually(fc.dictionary(fc.constantFrom('networking.istio.io/exportTo', 'sidecar.istio.io/inject'), fc.constantFrom('.', '*', 'false', 'true', 'tenant-a,tenant-b'), { maxKeys: 2 })),
      creationTimestamp: fc.option(fc.constantFrom('2024-01-01T00:00:00Z', '2025-06-01T12:00:00Z', 'yesterday'), { nil: undefined }),
    },
    { requiredKeys: ['name'] },
  );
}

const sidecarSpec = fc.record(
  {
    egress: usually(fc.array(fc.record({ hosts: usually(fc.array(egressHost, { maxLength: 4 })) }), { maxLength: 2 })),
    workloadSelector: fc.option(fc.record({ labels: usually(labels) }), { nil: undefined }),
    outboundTrafficPolicy: fc.option(fc.record({ mode: fc.constantFrom('ALLOW_ANY', 'REGISTRY_ONLY', 'x') }), { nil: undefined }),
  },
  { requiredKeys: [] },
);

/** A raw manifest (as read from YAML) of one of the kinds the rules look at. */
export const hostileManifest: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata: metadata(false) }),
  fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('ServiceEntry'), metadata: metadata(true), spec: usually(fc.record({ hosts: usually(hostList), exportTo: fc.option(exportToList, { nil: undefined }), location: fc.constantFrom('MESH_EXTERNAL', 'MESH_INTERNAL'), resolution: fc.constantFrom('DNS', 'STATIC', 'NONE') }, { requiredKeys: [] })) }),
  fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('VirtualService'), metadata: metadata(true), spec: usually(fc.record({ hosts: usually(hostList), exportTo: fc.option(exportToList, { nil: undefined }), gateways: fc.option(fc.array(fc.constantFrom('mesh', 'istio-system/gw', 'gw'), { maxLength: 2 }), { nil: undefined }) }, { requiredKeys: [] })) }),
  fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('DestinationRule'), metadata: metadata(true), spec: usually(fc.record({ host: usually(host), exportTo: fc.option(exportToList, { nil: undefined }), trafficPolicy: fc.option(fc.record({ tls: fc.record({ mode: fc.constantFrom('DISABLE', 'ISTIO_MUTUAL', 'SIMPLE') }) }), { nil: undefined }) }, { requiredKeys: [] })) }),
  fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('Sidecar'), metadata: metadata(true), spec: usually(sidecarSpec) }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Service'), metadata: metadata(true), spec: usually(fc.record({ ports: fc.constant([{ port: 80 }]) })) }),
  fc.record({ apiVersion: fc.constant('security.istio.io/v1'), kind: fc.constantFrom('PeerAuthentication', 'AuthorizationPolicy'), metadata: metadata(true), spec: usually(fc.record({ mtls: fc.option(fc.record({ mode: fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET', 7) }), { nil: undefined }), action: fc.option(fc.constantFrom('ALLOW', 'DENY', 'CUSTOM'), { nil: undefined }), rules: fc.option(fc.array(fc.record({ from: fc.array(fc.record({ source: fc.record({ namespaces: fc.array(namespaceName, { maxLength: 2 }) }) }), { maxLength: 2 }) }), { maxLength: 2 }), { nil: undefined }) }, { requiredKeys: [] })) }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata: metadata(true), data: usually(fc.record({ mesh: fc.constantFrom('defaultServiceExportTo: ["."]', 'outboundTrafficPolicy: {mode: ALLOW_ANY}', 'rootNamespace: tenant-a', ': : bad yaml', 'defaultVirtualServiceExportTo: 7') })) }),
  // Not an object at all, or no kind: the reader must report, not crash.
  fc.record({ apiVersion: usually(fc.constant('v1')), kind: usually(fc.constantFrom('Pod', 'Deployment', 'Unknown', 'List')), metadata: usually(metadata(true)), spec: fc.anything({ maxDepth: 4 }) }),
);
