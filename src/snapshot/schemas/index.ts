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
};
