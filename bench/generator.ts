/**
 * Deterministic synthetic fleet generator for benchmarks (issue 8) and property tests.
 * Same seed + size => byte-identical objects. About 20 objects per tenant namespace:
 * Services, ServiceEntries (explicit ".", missing and "*" exportTo; colliding, shadowing
 * and wildcard hosts), Sidecars (most namespaces scoped, some not, some importing every namespace),
 * VirtualServices, DestinationRules, PeerAuthentications, AuthorizationPolicies, RBAC and quotas.
 */
export type RawObject = Record<string, unknown>;

export interface FleetSize {
  name: string;
  namespaces: number;
  /** Target object count (approximate: namespaces x ~20). */
  objects: number;
}

export const SIZES: Record<'small' | 'large' | 'huge', FleetSize> = {
  small: { name: 'small', namespaces: 50, objects: 1_000 },
  large: { name: 'large', namespaces: 2_000, objects: 40_000 },
  huge: { name: 'huge', namespaces: 10_000, objects: 200_000 },
};

/** mulberry32: tiny, fast, good enough for reproducible fixtures. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROOT = 'aks-istio-system';
const EXTERNAL_DOMAINS = ['api.stripe.com', 'login.partner.example', 'storage.example.net', 'db.vendor.io', 'queue.example.org'];

function meta(name: string, namespace: string, created: number, extra: RawObject = {}): RawObject {
  return { name, namespace, creationTimestamp: new Date(Date.UTC(2025, 0, 1) + created * 1000).toISOString(), ...extra };
}

export function generateFleet(size: FleetSize, seed = 42): RawObject[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const objects: RawObject[] = [];
  let clock = 0;
  const tick = () => ++clock;

  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ROOT } });
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('istio-shared-configmap-asm-1-25', ROOT, tick()),
    data: { mesh: 'defaultServiceExportTo: ["*"]\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n' },
  });
  objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('istio-asm-1-25', ROOT, tick()), data: { mesh: `rootNamespace: ${ROOT}\ntrustDomain: cluster.local\n` } });
  objects.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', ROOT, tick()), spec: { mtls: { mode: 'STRICT' } } });

  for (let index = 0; index < size.namespaces; index++) {
    const ns = `tenant-${String(index).padStart(5, '0')}`;
    const scoped = random() < 0.85;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio.io/rev': 'asm-1-25' }, creationTimestamp: meta(ns, '', tick()).creationTimestamp } });
    for (let s = 0; s < 3; s++) {
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(`svc-${s}`, ns, tick()), spec: { ports: [{ port: 8080, name: 'http' }], selector: { app: `svc-${s}` } } });
    }
    for (let e = 0; e < 3; e++) {
      const roll = random();
      const exportTo = roll < 0.6 ? ['.'] : roll < 0.85 ? undefined : ['*'];
      const hostRoll = random();
      // Mostly private hosts; some collide with other tenants' hosts, shadow another tenant's
      // Service, or are wildcards.
      const host =
        hostRoll < 0.7
          ? `ext-${e}.${ns}.example.com`
          : hostRoll < 0.85
            ? pick(EXTERNAL_DOMAINS)
            : hostRoll < 0.95
              ? `svc-0.tenant-${String(Math.floor(random() * size.namespaces)).padStart(5, '0')}.svc.cluster.local`
              : `*.${pick(['example.com', 'vendor.io'])}`;
      objects.push({
        apiVersion: pick(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']),
        kind: 'ServiceEntry',
        metadata: meta(`se-${e}`, ns, tick()),
        spec: { hosts: [host], ...(exportTo ? { exportTo } : {}), location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] },
      });
    }
    if (scoped) {
      const egressAll = random() < 0.05;
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: meta('default', ns, tick()),
        spec: { egress: [{ hosts: egressAll ? ['*/*'] : ['./*', `${ROOT}/*`] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
      });
    }
    for (let v = 0; v < 3; v++) {
      const exportTo = random() < 0.7 ? ['.'] : undefined;
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(`vs-${v}`, ns, tick()),
        spec: { hosts: [`svc-${v}`], ...(exportTo ? { exportTo } : {}), http: [{ route: [{ destination: { host: `svc-${v}` } }], timeout: '5s' }] },
      });
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(`dr-${v}`, ns, tick()),
        spec: { host: `svc-${v}.${ns}.svc.cluster.local`, ...(random() < 0.7 ? { exportTo: ['.'] } : {}), trafficPolicy: { tls: { mode: random() < 0.03 ? 'DISABLE' : 'ISTIO_MUTUAL' } } },
      });
    }
    objects.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', ns, tick()), spec: { mtls: { mode: random() < 0.9 ? 'STRICT' : 'PERMISSIVE' } } });
    if (random() < 0.9) objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('deny-all', ns, tick()), spec: {} });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('mesh-editor', ns, tick()),
      rules: [{ apiGroups: ['networking.istio.io'], resources: ['serviceentries', 'virtualservices'], verbs: ['get', 'list', 'create', 'update'] }],
    });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('mesh-editor', ns, tick()),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'mesh-editor' },
      subjects: [{ kind: 'Group', name: `${ns}-developers`, apiGroup: 'rbac.authorization.k8s.io' }],
    });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('app', ns, tick()),
      spec: { selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' }, annotations: random() < 0.03 ? { 'sidecar.istio.io/inject': 'false' } : {} }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } } },
    });
    if (random() < 0.8) {
      objects.push({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('mesh-quota', ns, tick()), spec: { hard: { 'count/serviceentries.networking.istio.io': '10' } } });
    }
  }
  return objects;
}
