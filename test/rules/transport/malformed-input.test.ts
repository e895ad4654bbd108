/**
 * Bad input never crashes: every rule of the transport, enrolment, admission and platform
 * families evaluates snapshots whose specs, top-level fields, labels and ARM object have
 * arbitrary shapes (objects that skipped schema validation, hand-written test snapshots,
 * odd az CLI output) without throwing.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { admissionRules } from '../../../src/rules/admission/index.js';
import { enrolmentRules } from '../../../src/rules/enrolment/index.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { platformRules } from '../../../src/rules/platform/index.js';
import { transportRules } from '../../../src/rules/transport/index.js';
import { buildSnapshot } from '../../../src/snapshot/build.js';
import { SNAPSHOT_KINDS, type K8sObject } from '../../../src/snapshot/types.js';

const rules = [...transportRules, ...enrolmentRules, ...admissionRules, ...platformRules];

const objectArbitrary = fc.record({
  snapshotKind: fc.constantFrom(...SNAPSHOT_KINDS),
  name: fc.constantFrom('a', 'default', 'cluster-admin'),
  namespace: fc.constantFrom('', 'tenant-a', 'istio-system', 'kube-system'),
  labels: fc.dictionary(fc.constantFrom('istio.io/rev', 'istio-injection', 'sidecar.istio.io/inject', 'app'), fc.string()),
  spec: fc.dictionary(fc.string(), fc.jsonValue()),
  body: fc.dictionary(fc.constantFrom('rules', 'subjects', 'roleRef', 'aggregationRule', 'data'), fc.jsonValue()),
  status: fc.option(fc.dictionary(fc.constantFrom('conditions', 'validationMessages'), fc.jsonValue()), { nil: undefined }),
});

const ARM_KEYS = ['serviceMeshProfile', 'addonProfiles', 'aadProfile', 'apiServerAccessProfile', 'securityProfile', 'disableLocalAccounts', 'kubernetesVersion', 'name'];
/** ARM bodies with the real top-level keys (both shapes) holding anything, including a plausible mesh profile. */
const armArbitrary = fc.oneof(
  fc.dictionary(fc.constantFrom(...ARM_KEYS), fc.jsonValue()),
  fc.record({ properties: fc.dictionary(fc.constantFrom(...ARM_KEYS), fc.jsonValue()) }),
  fc.record({ serviceMeshProfile: fc.record({ mode: fc.constantFrom('Istio', 'istio', 7), istio: fc.dictionary(fc.constantFrom('revisions', 'components', 'certificateAuthority'), fc.jsonValue()) }) }),
);

type RawObject = typeof objectArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toObject(raw: RawObject): K8sObject {
  return {
    apiVersion: 'v1',
    kind: raw.snapshotKind === 'Constraint' ? 'K8sAnything' : raw.snapshotKind,
    snapshotKind: raw.snapshotKind,
    metadata: { name: raw.name, namespace: raw.namespace, labels: raw.labels, annotations: {} },
    spec: raw.spec,
    body: raw.body,
    status: raw.status,
  };
}

describe('rules on malformed input', () => {
  it('never throw, whatever the shapes of spec, body, status and the ARM cluster', () => {
    fc.assert(
      fc.property(fc.array(objectArbitrary, { maxLength: 12 }), fc.option(armArbitrary, { nil: undefined }), (raws, arm) => {
        const snapshot = buildSnapshot({ cluster: { name: 'fuzz' }, source: 'manifests', objects: raws.map(toObject), aksCluster: arm as Record<string, unknown> | undefined });
        snapshot.meshRevisionProfile = { revisions: [{ revision: 'asm-1-25' }] };
        expect(() => evaluateSnapshot(snapshot, defaultConfig(), { rules })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
