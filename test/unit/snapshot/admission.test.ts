/**
 * Objects the API server (Istio CRD schema and CEL rules) or Istio's validating webhook
 * would reject are resource-invalid offline and never modelled as live (issue 13 item 4).
 * Each rejection names who rejects it; each case has an admitted counterpart.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluateRule, celEvaluator, validateSchema, withoutNullFields, type KubeSchema } from '../../../src/snapshot/admission/kube-schema.js';
import { admissionRejection, ISTIO_CRD_VERSION } from '../../../src/snapshot/admission/index.js';
import { ISTIO_CRD_SCHEMAS } from '../../../src/snapshot/admission/istio-crd-schemas.gen.js';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { parseManifestText } from '../../../src/snapshot/manifests.js';
import type { K8sObject } from '../../../src/snapshot/types.js';

function objectOf(yaml: string): K8sObject {
  const read = parseManifestText(yaml, 'r.yaml');
  expect(read.problems).toEqual([]);
  return read.objects[0]!;
}

const istio = (kind: string, spec: string, metadata = '{name: x, namespace: a}') =>
  objectOf(`apiVersion: ${['PeerAuthentication', 'AuthorizationPolicy'].includes(kind) ? 'security' : 'networking'}.istio.io/v1\nkind: ${kind}\nmetadata: ${metadata}\nspec: ${spec}\n`);

describe('API server and webhook rejections', () => {
  it.each([
    ['ServiceEntry', '{hosts: ["*"], resolution: DNS}', 'crd-rule', 'hostname cannot be wildcard'],
    ['ServiceEntry', '{resolution: DNS}', 'crd-schema', 'spec.hosts: is required'],
    ['ServiceEntry', '{hosts: [a.example.com], workloadSelector: {labels: {app: x}}, endpoints: [{address: 1.2.3.4}], resolution: STATIC}', 'crd-rule', 'only one of WorkloadSelector or Endpoints'],
    ['ServiceEntry', '{hosts: [a.example.com], ports: [{number: 80, name: http}, {number: 81, name: http}]}', 'crd-schema', 'duplicate entry with the same name'],
    ['ServiceEntry', '{hosts: [a.example.com], ports: [{number: 80, name: http}, {number: 80, name: web}]}', 'crd-rule', 'port number cannot be duplicated'],
    ['ServiceEntry', '{hosts: [a.example.com], ports: [{number: 70000, name: http}]}', 'crd-rule', 'port must be between 1-65535'],
    ['ServiceEntry', '{hosts: [a.example.com], resolution: NONE, endpoints: [{address: 1.2.3.4}]}', 'crd-rule', 'NONE mode cannot set endpoints'],
    ['ServiceEntry', '{hosts: [a.example.com], resolution: DNS_ROUND_ROBIN, endpoints: [{address: a.example.com}, {address: b.example.com}]}', 'crd-rule', 'DNS_ROUND_ROBIN mode cannot have multiple endpoints'],
    ['ServiceEntry', '{hosts: [a.example.com], resolution: MAGIC}', 'crd-schema', 'must be one of'],
    ['ServiceEntry', '{hosts: [a.example.com], addresses: [10.0.0.0/8], resolution: DNS}', 'crd-rule', 'CIDR addresses are allowed only for NONE/STATIC'],
    ['ServiceEntry', '{hosts: [a.example.com, b.example.com], ports: [{number: 5432, name: tcp, protocol: TCP}], resolution: DNS}', 'istio-webhook', 'multiple hosts provided with non-HTTP, non-TLS ports'],
    ['ServiceEntry', '{hosts: [a.example.com], exportTo: ["*", b]}', 'istio-webhook', 'cannot have both public (*) and non-public exportTo'],
    ['ServiceEntry', '{hosts: [a.example.com], exportTo: [Bad_Namespace]}', 'istio-webhook', 'only .,*, or a valid DNS 1123 label'],
    ['ServiceEntry', `{hosts: ["${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}"]}`, 'istio-webhook', 'too long (max 255)'],
    ['ServiceEntry', '{hosts: ["bad_host.example.com"]}', 'istio-webhook', 'invalid (label "bad_host" invalid)'],
    ['ServiceEntry', '{hosts: ["*.example.com"], resolution: DNS}', 'istio-webhook', 'hosts must be FQDN or contain only prefix wildcards if no endpoints are provided'],
    ['PeerAuthentication', '{portLevelMtls: {"8080": {mode: DISABLE}}}', 'crd-rule', 'portLevelMtls requires selector'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {serviceAccounts: [x], namespaces: [b]}}]}]}', 'crd-rule', 'Cannot set serviceAccounts with namespaces or principals'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {serviceAccounts: [x], principals: [b]}}]}]}', 'crd-rule', 'Cannot set serviceAccounts with namespaces or principals'],
    ['AuthorizationPolicy', '{action: DENY}', 'istio-webhook', 'DENY action without `rules`'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {}}]}]}', 'istio-webhook', '`from.source` must not be empty'],
    ['AuthorizationPolicy', '{selector: {matchLabels: {app: "*"}}}', 'crd-rule', 'wildcard not allowed in label value match'],
    ['VirtualService', '{hosts: ["*"], http: [{route: [{destination: {host: x.a.svc.cluster.local}}]}]}', 'istio-webhook', 'wildcard host * is not allowed for virtual services bound to the mesh gateway'],
    ['VirtualService', '{hosts: [a.example.com]}', 'istio-webhook', 'http, tcp or tls must be provided'],
    ['VirtualService', '{hosts: ["*.example.com", "a.example.com"], http: [{route: [{destination: {host: x}}]}]}', 'istio-webhook', 'duplicate hosts in virtual service: *.example.com & a.example.com'],
    ['VirtualService', '{hosts: [a.example.com], tls: [{match: [{sniHosts: [b.example.com]}], route: [{destination: {host: x}}]}]}', 'istio-webhook', 'SNI host "b.example.com" is not a compatible subset'],
    ['VirtualService', '{hosts: [a.example.com], http: [{route: [{destination: {host: "*"}}]}]}', 'istio-webhook', 'invalid destination host *'],
    ['DestinationRule', '{host: a.example.com, workloadSelector: {matchLabels: {app: x}}, exportTo: ["*"]}', 'istio-webhook', 'destination rule with workload selector cannot have exportTo beyond current namespace'],
    ['DestinationRule', '{host: a.example.com, subsets: [{name: v1}, {name: v1}]}', 'istio-webhook', 'duplicate subset names: v1'],
    ['Sidecar', '{egress: [{hosts: ["./*"]}, {hosts: ["istio-system/*"], port: {number: 80, name: http, protocol: HTTP}}]}', 'istio-webhook', 'the egress listener with empty port should be the last listener'],
    ['Sidecar', '{egress: [{hosts: ["foo"]}]}', 'istio-webhook', 'host must be of form namespace/dnsName'],
    ['Sidecar', '{}', 'istio-webhook', 'sidecar: empty configuration provided'],
    ['Gateway', '{selector: {istio: ingressgateway}, servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*/a.example.com"]}]}', 'istio-webhook', 'server must have TLS settings for HTTPS/TLS protocols'],
    ['Gateway', '{selector: {istio: ingressgateway}, servers: [{port: {number: 80, protocol: HTTP}, hosts: ["*/a.example.com"]}]}', 'crd-schema', 'spec.servers[0].port.name: is required'],
  ])('%s %s is rejected (%s)', (kind, spec, by, message) => {
    const rejection = admissionRejection(istio(kind, spec));
    expect(rejection?.by).toBe(by);
    expect(rejection?.message).toContain(message);
  });

  it.each([
    ['ServiceEntry', '{hosts: ["*.example.com"], ports: [{number: 443, name: tls, protocol: TLS}], resolution: NONE, exportTo: ["."]}'],
    ['ServiceEntry', '{hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}'],
    ['ServiceEntry', '{hosts: [a.example.com], addresses: [001:db8::], resolution: NONE}'],
    ['ServiceEntry', '{hosts: [a.example.com], resolution: DNS_ROUND_ROBIN, endpoints: [{address: a.example.com}]}'],
    ['PeerAuthentication', '{selector: {matchLabels: {app: x}}, portLevelMtls: {"8080": {mode: DISABLE}}}'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {serviceAccounts: [x]}}]}]}'],
    ['AuthorizationPolicy', '{}'],
    ['VirtualService', '{hosts: ["*"], gateways: [istio-system/public], http: [{route: [{destination: {host: x.a.svc.cluster.local}}]}]}'],
    ['VirtualService', '{hosts: ["*.example.com", "a.example.org"], http: [{route: [{destination: {host: x}}]}]}'],
    ['DestinationRule', '{host: a.example.com, workloadSelector: {matchLabels: {app: x}}, exportTo: ["."]}'],
    ['Sidecar', '{egress: [{hosts: ["./*", "istio-system/*"]}]}'],
    ['Gateway', '{selector: {istio: ingressgateway}, servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["a/a.example.com"], tls: {mode: SIMPLE, credentialName: cert}}]}'],
  ])('%s %s is admitted', (kind, spec) => {
    expect(admissionRejection(istio(kind, spec))).toBeUndefined();
  });

  it('rejects metadata the API server rejects for every kind: label values too long or not strings, invalid names', () => {
    expect(admissionRejection(objectOf(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, labels: {team: "${'a'.repeat(64)}"}}\n`))?.message).toContain('is not a valid label value');
    expect(admissionRejection(objectOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, labels: {enabled: on}}\n'))?.message).toContain('metadata.labels.enabled must be a string');
    expect(admissionRejection(objectOf(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${'a.'.repeat(130)}a", namespace: x}\n`))?.message).toContain('DNS-1123 subdomain');
    expect(admissionRejection(objectOf('apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "system:aggregate-to-edit"}\n'))).toBeUndefined();
    expect(admissionRejection(objectOf(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, labels: {team: "${'a'.repeat(63)}"}}\n`))).toBeUndefined();
  });

  it('sets rejected manifests aside as resource-invalid; a live snapshot keeps what the API server admitted', () => {
    const se = istio('ServiceEntry', '{hosts: ["*"], resolution: DNS}');
    const offline = assembleSnapshot({ cluster: { name: 'c' }, source: 'manifests', objects: [se] });
    expect(offline.objects.ServiceEntry).toEqual([]);
    expect(offline.inputProblems[0]?.message).toBe(`ServiceEntry a/x: the API server rejects it (Istio ${ISTIO_CRD_VERSION} CRD validation rule): spec.hosts[0]: hostname cannot be wildcard; the object is ignored for exposure`);
    const live = assembleSnapshot({ cluster: { name: 'c' }, source: 'live', objects: [istio('ServiceEntry', '{hosts: ["*"], resolution: DNS}')] });
    expect(live.objects.ServiceEntry).toHaveLength(1);
  });
});

describe('CEL rules of the vendored CRDs', () => {
  it('vendors the seven Istio kinds with their CEL rules', () => {
    expect(Object.keys(ISTIO_CRD_SCHEMAS).sort()).toEqual(['AuthorizationPolicy', 'DestinationRule', 'Gateway', 'PeerAuthentication', 'ServiceEntry', 'Sidecar', 'VirtualService']);
    expect(JSON.stringify(ISTIO_CRD_SCHEMAS.ServiceEntry)).toContain('self != \\"*\\"');
  });

  it('evaluates the duplicate-port rule linearly, agreeing with CEL on any list', () => {
    const rule = 'self.all(l1, self.exists_one(l2, l1.number == l2.number))';
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 6 }).map((number) => ({ number })), { maxLength: 8 }), (ports) => {
      expect(evaluateRule(rule, ports)).toBe(celEvaluator(rule)(ports));
    }));
  });

  it('treats a CEL evaluation error as a failed rule, as the API server does', () => {
    expect(evaluateRule("duration(self) >= duration('1ms')", 'soon')).toBe(false);
    expect(evaluateRule("duration(self) >= duration('1ms')", '1.5s')).toBe(true);
  });

  it('names the field of a violation in the API server notation (fields, list items, map entries, required fields)', () => {
    const schema: KubeSchema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['number'], items: { type: 'object', required: ['number'], properties: { number: { type: 'integer', maximum: 10 } } } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    };
    expect(validateSchema({ spec: { ports: [{ number: 1 }, { number: 11 }] } }, schema, '')?.path).toBe('spec.ports[1].number');
    expect(validateSchema({ spec: { ports: [{ number: 1 }, { name: 'x' }] } }, schema, '')?.path).toBe('spec.ports[1].number');
    expect(validateSchema({ spec: { ports: [{ number: 1 }, { number: 1 }] } }, schema, '')).toMatchObject({ path: 'spec.ports[1]', message: 'duplicate entry with the same number' });
    expect(validateSchema({ spec: { labels: { 'a.b/c': 3 } } }, schema, '')?.path).toBe('spec.labels["a.b/c"]');
    expect(validateSchema({ ports: [{ number: 12 }] }, schema.properties!.spec!, 'spec')?.path).toBe('spec.ports[0].number');
    expect(validateSchema({ spec: { ports: [{ number: 1 }], labels: { a: 'b' } } }, schema, '')).toBeUndefined();
  });

  it('prunes unknown fields instead of refusing them (newer Istio adds fields)', () => {
    expect(validateSchema({ spec: { hosts: ['a.example.com'], somethingNew: 1 } }, ISTIO_CRD_SCHEMAS.ServiceEntry!, '')).toBeUndefined();
  });
});

describe('null fields pruned before the schema check', () => {
  /** The definition: a fresh copy of every object and array without its null fields. */
  function prunedCopy(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(prunedCopy);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) if (entry !== null) Object.defineProperty(out, key, { value: prunedCopy(entry), enumerable: true, writable: true, configurable: true });
    return out;
  }
  const containsNullField = (value: unknown): boolean =>
    Array.isArray(value) ? value.some(containsNullField) : value !== null && typeof value === 'object' ? Object.values(value).some((entry) => entry === null || containsNullField(entry)) : false;

  it('equals a pruned copy (keys, order, nesting), shares what has no null field, and never changes its input', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const before = JSON.stringify(value);
        const pruned = withoutNullFields(value);
        expect(JSON.stringify(pruned)).toBe(JSON.stringify(prunedCopy(value)));
        expect(pruned).toEqual(prunedCopy(value));
        if (!containsNullField(value)) expect(pruned).toBe(value);
        expect(JSON.stringify(value)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a "__proto__" key as an own property when it copies', () => {
    const value = JSON.parse('{"a": null, "__proto__": {"polluted": true}, "b": 1}') as Record<string, unknown>;
    const pruned = withoutNullFields(value) as Record<string, unknown>;
    expect(Object.keys(pruned)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(pruned)).toBe(Object.prototype);
    expect((pruned as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
