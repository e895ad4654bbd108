/**
 * JSON schemas (validated with ajv) for the fields the rules read, per kind. They check
 * types, not completeness: unknown fields are allowed (Istio adds fields every release)
 * and required-ness follows the Istio API only where a missing field breaks semantics.
 * An object that fails its schema is reported as `resource-invalid` and left out of the
 * snapshot, so rules never have to guess what `exportTo: "."` (a string) was meant to be.
 *
 * Field shapes follow the Istio API reference (networking.istio.io / security.istio.io
 * v1: ServiceEntry, VirtualService, DestinationRule, Sidecar, Gateway, PeerAuthentication,
 * AuthorizationPolicy) and the Kubernetes core/v1 and rbac/v1 types.
 *
 * The scanner does not compile these at run time: scripts/generate-kind-validators.ts turns
 * them into ajv's standalone code (validators.gen.ts, which validate.ts uses). Regenerate it
 * after any change here; test/unit/snapshot/kind-validators.test.ts fails until then.
 */
import type { SchemaObject } from 'ajv';
import type { SnapshotKind } from '../types.js';

const stringArray: SchemaObject = { type: 'array', items: { type: 'string' } };
const stringMap: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };
/** WorkloadSelector: `{ matchLabels: {k: v} }` (Sidecar, ServiceEntry, DestinationRule). */
const workloadSelector: SchemaObject = { type: 'object', properties: { matchLabels: stringMap } };
/** `selector: { matchLabels }` of PeerAuthentication and AuthorizationPolicy. */
const policySelector = workloadSelector;
const port: SchemaObject = { type: 'object', properties: { number: { type: 'integer' }, name: { type: 'string' }, protocol: { type: 'string' } } };
const objectArray: SchemaObject = { type: 'array', items: { type: 'object' } };
const tlsSettings: SchemaObject = { type: 'object', properties: { mode: { type: 'string' } } };
const trafficPolicy: SchemaObject = {
  type: 'object',
  properties: {
    tls: tlsSettings,
    portLevelSettings: { type: 'array', items: { type: 'object', properties: { tls: tlsSettings } } },
  },
};

function withSpec(spec: SchemaObject): SchemaObject {
  return { type: 'object', properties: { spec } };
}

/**
 * Kubernetes Gateway API (gateway.networking.k8s.io, apis/v1 *_types.go): the fields the
 * ingress rules read. Required fields are the ones the API server requires (kubebuilder
 * +required): a listener without a port or a reference without a name never reaches a cluster.
 */
const labelSelector: SchemaObject = {
  type: 'object',
  properties: {
    matchLabels: stringMap,
    matchExpressions: { type: 'array', items: { type: 'object', required: ['key', 'operator'], properties: { key: { type: 'string' }, operator: { type: 'string' }, values: stringArray } } },
  },
};
const parentRefs: SchemaObject = {
  type: 'array',
  items: { type: 'object', required: ['name'], properties: { group: { type: 'string' }, kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' }, sectionName: { type: 'string' }, port: { type: 'integer' } } },
};
const backendRefs: SchemaObject = {
  type: 'array',
  items: { type: 'object', required: ['name'], properties: { group: { type: 'string' }, kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' }, port: { type: 'integer' }, weight: { type: 'integer' } } },
};
const nameValueMatches: SchemaObject = { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, name: { type: 'string' }, value: { type: 'string' } } } };
function routeSchema(matches?: SchemaObject): SchemaObject {
  const rule: SchemaObject = { type: 'object', properties: { backendRefs, ...(matches ? { matches } : {}) } };
  return withSpec({ type: 'object', properties: { parentRefs, hostnames: stringArray, rules: { type: 'array', items: rule } } });
}

export const KIND_SCHEMAS: Partial<Record<SnapshotKind, SchemaObject>> = {
  ServiceEntry: withSpec({
    type: 'object',
    properties: {
      hosts: stringArray,
      addresses: stringArray,
      exportTo: stringArray,
      ports: { type: 'array', items: port },
      location: { type: 'string' },
      resolution: { type: 'string' },
      workloadSelector: { type: 'object', properties: { labels: stringMap } },
      endpoints: objectArray,
      subjectAltNames: stringArray,
    },
  }),
  VirtualService: withSpec({
    type: 'object',
    properties: {
      hosts: stringArray,
      gateways: stringArray,
      exportTo: stringArray,
      http: objectArray,
      tcp: objectArray,
      tls: objectArray,
    },
  }),
  DestinationRule: withSpec({
    type: 'object',
    properties: {
      host: { type: 'string' },
      exportTo: stringArray,
      workloadSelector,
      trafficPolicy,
      subsets: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, labels: stringMap, trafficPolicy } } },
    },
  }),
  Sidecar: withSpec({
    type: 'object',
    properties: {
      workloadSelector: { type: 'object', properties: { labels: stringMap } },
      egress: { type: 'array', items: { type: 'object', required: ['hosts'], properties: { hosts: stringArray, port } } },
      ingress: objectArray,
      outboundTrafficPolicy: { type: 'object', properties: { mode: { type: 'string' } } },
    },
  }),
  Gateway: withSpec({
    type: 'object',
    properties: { selector: stringMap, servers: { type: 'array', items: { type: 'object', properties: { hosts: stringArray, port } } } },
  }),
  PeerAuthentication: withSpec({
    type: 'object',
    properties: {
      selector: policySelector,
      mtls: { type: 'object', properties: { mode: { type: 'string' } } },
      portLevelMtls: { type: 'object', additionalProperties: { type: 'object', properties: { mode: { type: 'string' } } } },
    },
  }),
  AuthorizationPolicy: withSpec({
    type: 'object',
    properties: {
      selector: policySelector,
      action: { type: 'string' },
      rules: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            from: { type: 'array', items: { type: 'object', properties: { source: { type: 'object', properties: { namespaces: stringArray, notNamespaces: stringArray, principals: stringArray } } } } },
            to: objectArray,
            when: objectArray,
          },
        },
      },
    },
  }),
  Service: withSpec({ type: 'object', properties: { type: { type: 'string' }, ports: objectArray, selector: stringMap, externalName: { type: 'string' } } }),
  ConfigMap: { type: 'object', properties: { data: stringMap } },
  ResourceQuota: withSpec({ type: 'object', properties: { hard: { type: 'object' } } }),
  Role: { type: 'object', properties: { rules: { type: 'array', items: { type: 'object', properties: { apiGroups: stringArray, resources: stringArray, verbs: stringArray } } } } },
  ClusterRole: { type: 'object', properties: { rules: { type: 'array', items: { type: 'object', properties: { apiGroups: stringArray, resources: stringArray, verbs: stringArray } } } } },
  RoleBinding: { type: 'object', properties: { subjects: objectArray, roleRef: { type: 'object', properties: { kind: { type: 'string' }, name: { type: 'string' } } } } },
  ClusterRoleBinding: { type: 'object', properties: { subjects: objectArray, roleRef: { type: 'object', properties: { kind: { type: 'string' }, name: { type: 'string' } } } } },
  GatewayClass: withSpec({ type: 'object', properties: { controllerName: { type: 'string' } } }),
  KubernetesGateway: withSpec({
    type: 'object',
    properties: {
      gatewayClassName: { type: 'string' },
      listeners: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'port', 'protocol'],
          properties: {
            name: { type: 'string' },
            hostname: { type: 'string' },
            port: { type: 'integer' },
            protocol: { type: 'string' },
            tls: { type: 'object', properties: { mode: { type: 'string' }, certificateRefs: objectArray } },
            allowedRoutes: {
              type: 'object',
              properties: {
                namespaces: { type: 'object', properties: { from: { type: 'string' }, selector: labelSelector } },
                kinds: { type: 'array', items: { type: 'object', required: ['kind'], properties: { group: { type: 'string' }, kind: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  }),
  HTTPRoute: routeSchema({
    type: 'array',
    items: {
      type: 'object',
      properties: { path: { type: 'object', properties: { type: { type: 'string' }, value: { type: 'string' } } }, headers: nameValueMatches, queryParams: nameValueMatches, method: { type: 'string' } },
    },
  }),
  GRPCRoute: routeSchema({
    type: 'array',
    items: { type: 'object', properties: { method: { type: 'object', properties: { type: { type: 'string' }, service: { type: 'string' }, method: { type: 'string' } } }, headers: nameValueMatches } },
  }),
  TLSRoute: routeSchema(),
  TCPRoute: routeSchema(),
  ReferenceGrant: withSpec({
    type: 'object',
    properties: {
      from: { type: 'array', items: { type: 'object', required: ['group', 'kind', 'namespace'], properties: { group: { type: 'string' }, kind: { type: 'string' }, namespace: { type: 'string' } } } },
      to: { type: 'array', items: { type: 'object', required: ['group', 'kind'], properties: { group: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } } } },
    },
  }),
};
