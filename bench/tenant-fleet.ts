/**
 * Second benchmark generator (issue 19): the shapes real multi-tenant clusters have, on which
 * all-pairs algorithms grow with the square of the namespaces even when bench/generator.ts
 * stays linear. Same seed + namespace count => byte-identical objects. Per tenant namespace:
 *
 *  - a default Sidecar of its own (92 %): `./*`, the root namespace, two or three
 *    `tenant/*` dependencies and sometimes `*` + `/` + a shared host; 3 % `*` + `/` + `*`; and in 20 %
 *    of namespaces a workload-selector Sidecar naming one foreign Service host;
 *  - ServiceEntries for a private external host, a shared external domain (colliding across
 *    tenants) and sometimes a wildcard; exportTo `.`, missing, `*` or a list of 25 names;
 *  - a DestinationRule per external host (TLS origination, `tls.mode: SIMPLE`), one for its
 *    own Service, 2 % with TLS disabled;
 *  - VirtualServices for its own Service, plus wildcard and overlapping hosts
 *    (`*.shop.example.com` / `api.shop.example.com`) and some routing another tenant's host;
 *  - 5 Roles and 5 RoleBindings (one writing mesh configuration, one binding an aggregated
 *    ClusterRole), PeerAuthentication, AuthorizationPolicy, ResourceQuota;
 *  - Pods, a Deployment, StatefulSets, and Istio Gateways with Gateway API routes in 10 %.
 *
 * About 23 objects per namespace. Sizes are given by namespace count (see TENANT_SIZES).
 */
import { seededRandom, type RawObject } from './generator.js';

export const ROOT = 'aks-istio-system';

/** Namespace counts of `npm run bench`'s shape benchmark: each one doubles the previous. */
export const TENANT_SIZES = [1_250, 2_500, 5_000, 10_000] as const;

/** The shapes of issue 19: the rule whose time grew with the square of the namespaces on each. */
export const SHAPE_RULES = [
  'rbac-serviceentry-write-broad',
  'destinationrule-tls-disabled',
  'exportto-wildcard',
  'exportto-missing',
  'virtualservice-foreign-host',
  'host-conflict-cross-namespace',
  'namespace-imports-foreign-config',
  'serviceentry-shadows-service',
  'destinationrule-foreign-host',
] as const;

/** External domains many tenants reach (and so declare in ServiceEntries of their own). */
const SHARED_DOMAINS = Array.from({ length: 40 }, (_, index) => `api-${index}.partner${index % 7}.example.net`);
/** Hosts tenants import with `*` + `/` + host egress (a few distinct choices, as real fleets have). */
const SHARED_EGRESS = ['*/api-0.partner0.example.net', '*/api-1.partner1.example.net', '*/*.partner2.example.net', '*/db.vendor.io'];

const tenantName = (index: number) => `tenant-${String(index).padStart(5, '0')}`;

function meta(name: string, namespace: string, created: number, extra: RawObject = {}): RawObject {
  return { name, namespace, creationTimestamp: new Date(Date.UTC(2025, 0, 1) + created * 1000).toISOString(), ...extra };
}

export function generateTenantFleet(namespaces: number, seed = 19): RawObject[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  /** Another tenant, mostly a neighbour (teams depend on a few services of related teams). */
  const otherTenant = (index: number): string => {
    const offset = random() < 0.7 ? 1 + Math.floor(random() * 20) : Math.floor(random() * namespaces);
    return tenantName((index + offset) % namespaces);
  };
  const namesList = (index: number, count: number): string[] => ['.', ...Array.from({ length: count - 1 }, () => otherTenant(index))];
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
  // Aggregated ClusterRoles: `mesh-admin` collects every role labelled aggregate-to-mesh-admin.
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'mesh-admin' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-mesh-admin': 'true' } }] },
    rules: [],
  });
  for (let role = 0; role < 20; role++) {
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `mesh-part-${role}`, labels: { 'example.com/aggregate-to-mesh-admin': 'true' } },
      rules: [{ apiGroups: [role === 0 ? 'networking.istio.io' : 'apps'], resources: [role === 0 ? 'serviceentries' : 'deployments'], verbs: role === 0 ? ['create', 'update'] : ['get'] }],
    });
  }
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'platform-mesh-admins' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mesh-admin' },
    subjects: [{ kind: 'Group', name: 'platform-operators', apiGroup: 'rbac.authorization.k8s.io' }],
  });

  for (let index = 0; index < namespaces; index++) {
    const ns = tenantName(index);
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio.io/rev': 'asm-1-25' }, creationTimestamp: meta(ns, '', tick()).creationTimestamp } });
    for (const service of ['svc-a', 'svc-b']) {
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(service, ns, tick()), spec: { ports: [{ port: 8080, name: 'http' }], selector: { app: service } } });
    }
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('svc-a', ns, tick()),
      spec: { selector: { matchLabels: { app: 'svc-a' } }, template: { metadata: { labels: { app: 'svc-a' }, annotations: random() < 0.03 ? { 'sidecar.istio.io/inject': 'false' } : {} }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } } },
    });
    objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: meta(`svc-a-${index.toString(36)}`, ns, tick(), { labels: { app: 'svc-a' } }), spec: { containers: [{ name: 'app', image: 'example/app:1' }] } });
    if (random() < 0.2) {
      objects.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db', ns, tick()), spec: { serviceName: 'svc-b', selector: { matchLabels: { app: 'svc-b' } }, template: { metadata: { labels: { app: 'svc-b' } }, spec: { containers: [{ name: 'db', image: 'example/db:1' }] } } } });
    }

    // Sidecars: one of its own per namespace (the product's advice), with its own dependencies.
    const sidecarRoll = random();
    if (sidecarRoll < 0.92) {
      const egress =
        sidecarRoll < 0.03
          ? ['*/*']
          : ['./*', `${ROOT}/*`, ...Array.from({ length: 2 + Math.floor(random() * 2) }, () => `${otherTenant(index)}/*`), ...(random() < 0.4 ? [pick(SHARED_EGRESS)] : [])];
      objects.push({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: meta('default', ns, tick()), spec: { egress: [{ hosts: egress }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } });
    }
    if (random() < 0.2) {
      const dependency = otherTenant(index);
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: meta('batch', ns, tick()),
        spec: { workloadSelector: { labels: { app: 'batch' } }, egress: [{ hosts: ['./*', `${ROOT}/*`, `${dependency}/svc-a.${dependency}.svc.cluster.local`, '*/db.vendor.io'] }] },
      });
    }

    // ServiceEntries: a private external host, a shared domain, sometimes a wildcard.
    const exportToOf = (): { exportTo?: string[] } => {
      const roll = random();
      if (roll < 0.5) return { exportTo: ['.'] };
      if (roll < 0.7) return { exportTo: ['*'] };
      if (roll < 0.85) return {};
      return { exportTo: namesList(index, 25) };
    };
    const external: Array<{ host: string; exportTo: { exportTo?: string[] } }> = [
      { host: `ext.${ns}.example.com`, exportTo: random() < 0.8 ? { exportTo: ['.'] } : exportToOf() },
      { host: pick(SHARED_DOMAINS), exportTo: exportToOf() },
    ];
    if (random() < 0.05) external.push({ host: `*.partner${Math.floor(random() * 7)}.example.net`, exportTo: exportToOf() });
    external.forEach(({ host, exportTo }, e) => {
      objects.push({
        apiVersion: pick(['networking.istio.io/v1', 'networking.istio.io/v1beta1']),
        kind: 'ServiceEntry',
        metadata: meta(`se-${e}`, ns, tick()),
        spec: { hosts: [host], ...exportTo, location: random() < 0.05 ? 'MESH_INTERNAL' : 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] },
      });
      // Egress TLS origination: one DestinationRule per external host.
      if (!host.startsWith('*')) {
        objects.push({
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          metadata: meta(`dr-se-${e}`, ns, tick()),
          spec: { host, exportTo: ['.'], trafficPolicy: { tls: { mode: 'SIMPLE', sni: host } } },
        });
      }
    });
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta('dr-svc-a', ns, tick()),
      spec: { host: 'svc-a', ...(random() < 0.7 ? { exportTo: ['.'] } : {}), trafficPolicy: { tls: { mode: random() < 0.02 ? 'DISABLE' : 'ISTIO_MUTUAL' } } },
    });

    // VirtualServices: own Service; wildcard and overlapping hosts; some route a foreign host.
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta('svc-a', ns, tick()),
      spec: { hosts: ['svc-a'], ...(random() < 0.7 ? { exportTo: ['.'] } : {}), http: [{ route: [{ destination: { host: 'svc-a' } }], timeout: '5s' }] },
    });
    const vsRoll = random();
    if (vsRoll < 0.15) {
      const hosts = vsRoll < 0.05 ? ['*.shop.example.com'] : vsRoll < 0.1 ? ['api.shop.example.com', `${ns}.shop.example.com`] : [`svc-a.${otherTenant(index)}.svc.cluster.local`];
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta('edge', ns, tick()),
        spec: { hosts, ...exportToOf(), http: [{ route: [{ destination: { host: 'svc-b' } }] }] },
      });
    }
    if (random() < 0.1) {
      // Ingress: an Istio Gateway bound by a VirtualService, and a Gateway API route.
      objects.push({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta('ingress', ns, tick()), spec: { selector: { istio: 'aks-istio-ingressgateway-external' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [`${ns}.apps.example.com`], tls: { mode: 'SIMPLE', credentialName: `${ns}-cert` } }] } });
      objects.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta('ingress', ns, tick()), spec: { hosts: [`${ns}.apps.example.com`], gateways: ['ingress'], http: [{ route: [{ destination: { host: 'svc-a' } }] }] } });
      objects.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('web', ns, tick()), spec: { parentRefs: [{ name: 'shared-gateway', namespace: ROOT }], hostnames: [`${ns}.web.example.com`], rules: [{ backendRefs: [{ name: 'svc-a', port: 8080 }] }] } });
    }

    objects.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', ns, tick()), spec: { mtls: { mode: random() < 0.9 ? 'STRICT' : 'PERMISSIVE' } } });
    if (random() < 0.9) objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('deny-all', ns, tick()), spec: {} });
    // RBAC: five Roles, five RoleBindings; one Role writes mesh configuration, one binding uses the aggregated ClusterRole.
    for (let role = 0; role < 5; role++) {
      objects.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta(`role-${role}`, ns, tick()),
        rules: [role === 0 ? { apiGroups: ['networking.istio.io'], resources: ['serviceentries', 'virtualservices'], verbs: ['get', 'list', 'create', 'update'] } : { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      });
      const toClusterRole = role === 4;
      objects.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta(`binding-${role}`, ns, tick()),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: toClusterRole ? 'ClusterRole' : 'Role', name: toClusterRole ? 'mesh-admin' : `role-${role}` },
        subjects: [role === 1 ? { kind: 'ServiceAccount', name: 'ci', namespace: ns } : { kind: 'Group', name: `${ns}-team-${role}`, apiGroup: 'rbac.authorization.k8s.io' }],
      });
    }
    if (random() < 0.8) {
      objects.push({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('mesh-quota', ns, tick()), spec: { hard: { 'count/serviceentries.networking.istio.io': '10' } } });
    }
  }
  return objects;
}
