/**
 * ReferenceGrants of a shared namespace (one grant per consumer namespace, as platform teams
 * write them) and the references they allow: referencegrant-broad asks per grant which names
 * are in use, and BackendAllowed asks per cross-namespace backendRef which grants allow it.
 * Both must stay linear in the fleet; these tests count the references and grant entries read,
 * never time anything.
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { GatewayApiModel, type BackendReference, type CertificateReference } from '../../../src/mesh/gateway-api.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { createRuleContext } from '../../../src/rules/engine.js';
import { referenceGrantBroadRule } from '../../../src/rules/ingress/referencegrant-broad.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { rawObject as object, snapshot, tenant } from './fixtures.js';

const GATEWAY_API = 'gateway.networking.k8s.io';

/** `count` tenants, each with a Gateway using a shared certificate and a route to the shared backend, and a grant per tenant in `shared`. */
function fleet(count: number): K8sObject[] {
  const objects = [object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shared' } }), object({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shared' }, spec: { ports: [{ port: 80 }] } })];
  for (let i = 0; i < count; i++) {
    const ns = tenant(i);
    objects.push(object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    objects.push(
      object({
        apiVersion: `${GATEWAY_API}/v1`,
        kind: 'Gateway',
        metadata: { name: 'edge', namespace: ns },
        spec: { gatewayClassName: 'istio', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', hostname: `${ns}.example.com`, tls: { certificateRefs: [{ kind: 'Secret', name: `cert-${ns}`, namespace: 'shared' }] } }] },
      }),
    );
    objects.push(
      object({
        apiVersion: `${GATEWAY_API}/v1`,
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: ns },
        spec: { parentRefs: [{ name: 'edge' }], hostnames: [`${ns}.example.com`], rules: [{ backendRefs: [{ name: 'api', namespace: 'shared', port: 80 }] }] },
      }),
    );
    objects.push(
      object({
        apiVersion: `${GATEWAY_API}/v1beta1`,
        kind: 'ReferenceGrant',
        metadata: { name: `from-${ns}`, namespace: 'shared' },
        spec: {
          from: [
            { group: GATEWAY_API, kind: 'HTTPRoute', namespace: ns },
            { group: GATEWAY_API, kind: 'Gateway', namespace: ns },
          ],
          to: [{ group: '', kind: 'Service' }, { group: '', kind: 'Secret' }],
        },
      }),
    );
  }
  return objects;
}

/** Property reads of the objects `wrap` is given, counted in `counter.reads`. */
function counting<T extends object>(counter: { reads: number }) {
  return (target: T): T =>
    new Proxy(target, {
      get(inner, property, receiver) {
        counter.reads += 1;
        return Reflect.get(inner, property, receiver);
      },
    });
}

describe('ReferenceGrants of a shared namespace', () => {
  it('each grant allows its own tenant route and is used by name by its own tenant only', () => {
    const snap = snapshot(fleet(30));
    const api = new GatewayApiModel(snap);
    const refs = api.backendReferences();
    expect(refs).toHaveLength(30);
    for (const ref of refs) expect(ref.grants.map((grant) => grant.metadata.name)).toEqual([`from-${ref.route.namespace}`]);
    const grant = api.grants.find((entry) => entry.grant.metadata.name === `from-${tenant(7)}`)!;
    expect(api.backendReferencesAllowedBy(grant.grant).map((ref) => ref.route.namespace)).toEqual([tenant(7)]);
    expect(api.certificateReferencesInto('shared', tenant(7)).map((ref) => ref.name)).toEqual([`cert-${tenant(7)}`]);
    expect(api.certificateReferencesInto('shared', 'elsewhere')).toEqual([]);

    const model = buildMeshModel(snap, defaultConfig());
    const results = referenceGrantBroadRule.evaluate(createRuleContext(snap, defaultConfig(), model));
    const service = results.find((result) => result.resource?.name === `from-${tenant(7)}` && result.subjectKey === 'Service/*')!;
    expect((service.evidence as { usedByName: string[] }).usedByName).toEqual(['api']);
    const secret = results.find((result) => result.resource?.name === `from-${tenant(7)}` && result.subjectKey === 'Secret/*')!;
    expect((secret.evidence as { usedByName: string[] }).usedByName).toEqual([`cert-${tenant(7)}`]);
    expect(service.fix).toEqual(secret.fix);
    expect(service.fix).toMatchObject({ type: 'merge-patch', patch: { spec: { to: [{ group: '', kind: 'Service', name: 'api' }, { group: '', kind: 'Secret', name: `cert-${tenant(7)}` }] } } });
  });

  /** Reads of backend and certificate references while referencegrant-broad runs, and of grant entries while BackendAllowed is decided. */
  function readsFor(count: number): { references: number; grantEntries: number } {
    const snap = snapshot(fleet(count));
    const model = buildMeshModel(snap, defaultConfig());
    const api = model.gatewayApi();
    const grantCounter = { reads: 0 };
    // The grant entries are shared with the model's indexes: count reads of their fields.
    for (const entry of api.grants) {
      for (const field of ['from', 'to'] as const) {
        const value = entry[field];
        Object.defineProperty(entry, field, {
          get() {
            grantCounter.reads += 1;
            return value;
          },
        });
      }
    }
    const refCounter = { reads: 0 };
    const backends = api.backendReferences().map(counting<BackendReference>(refCounter));
    const certificates = api.certificateReferences().map(counting<CertificateReference>(refCounter));
    const grantEntries = grantCounter.reads;
    api.backendReferences = () => backends;
    api.certificateReferences = () => certificates;
    expect(referenceGrantBroadRule.evaluate(createRuleContext(snap, defaultConfig(), model))).toHaveLength(2 * count);
    return { references: refCounter.reads, grantEntries };
  }

  it('reads each reference and each grant entry a bounded number of times, not once per grant', () => {
    const small = readsFor(100);
    const large = readsFor(400);
    // Linear: four times the tenants, about four times the reads (an all-pairs scan gives sixteen).
    expect(large.references).toBeLessThanOrEqual(small.references * 4.5);
    expect(large.grantEntries).toBeLessThanOrEqual(small.grantEntries * 4.5);
    expect(large.references).toBeLessThan(400 * 60);
    expect(large.grantEntries).toBeLessThan(400 * 10);
  });
});
