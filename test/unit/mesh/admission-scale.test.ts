/**
 * Admission controls at fleet scale: a Gatekeeper constraint and template, a
 * ValidatingAdmissionPolicy and binding, a Kyverno ClusterPolicy and PolicyException per
 * tenant. Matching each constraint to its template, each policy to its bindings and each
 * exception to its policy must not scan the others: the test counts reads (never times) and
 * pins the pairing.
 */
import { describe, expect, it } from '@jest/globals';
import { findExportToControls, findExportToExemptions } from '../../../src/mesh/admission.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { rawObject as object, snapshot, tenant } from './fixtures.js';


function fleet(count: number): K8sObject[] {
  const objects: K8sObject[] = [];
  for (let i = 0; i < count; i++) {
    const ns = tenant(i);
    objects.push(object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    objects.push(
      object({
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        metadata: { name: `exportto-${i}` },
        spec: { validationFailureAction: 'Enforce', rules: [{ name: 'require', match: { any: [{ resources: { kinds: ['ServiceEntry'], namespaces: [ns] } }] }, validate: { pattern: { spec: { exportTo: ['.'] } } } }] },
      }),
    );
    objects.push(object({ apiVersion: 'kyverno.io/v2', kind: 'PolicyException', metadata: { name: 'legacy', namespace: ns }, spec: { exceptions: [{ policyName: `exportto-${i}`, ruleNames: ['require'] }], match: { any: [{ resources: { kinds: ['ServiceEntry'], namespaces: [ns] } }] } } }));
    // Every other template is about exportTo: the pairing decides which constraints count.
    objects.push(
      object({
        apiVersion: 'templates.gatekeeper.sh/v1',
        kind: 'ConstraintTemplate',
        metadata: { name: `k8sexport${i}` },
        spec: { crd: { spec: { names: { kind: `K8sExport${i}` } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: i % 2 === 0 ? 'violation { not input.review.object.spec.exportTo }' : 'violation { false }' }] },
      }),
    );
    objects.push(object({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: `K8sExport${i}`, metadata: { name: `c-${i}` }, spec: { match: { kinds: [{ apiGroups: ['networking.istio.io'], kinds: ['ServiceEntry'] }] } } }));
    objects.push(
      object({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: `vap-${i}` },
        spec: { matchConstraints: { resourceRules: [{ apiGroups: ['networking.istio.io'], apiVersions: ['*'], resources: ['serviceentries'], operations: ['CREATE'] }] }, validations: [{ expression: 'has(object.spec.exportTo)' }] },
      }),
    );
    objects.push(object({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: `vapb-${i}` }, spec: { policyName: `vap-${i}`, validationActions: [i % 2 === 0 ? 'Deny' : 'Warn'] } }));
  }
  return objects;
}

/** Counts reads of `spec` of templates and bindings and of `metadata` of Kyverno policies. */
function run(count: number) {
  const snap = snapshot(fleet(count));
  const counter = { reads: 0 };
  const count_ = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(inner, property, receiver) {
        counter.reads += 1;
        return Reflect.get(inner, property, receiver);
      },
    });
  for (const template of snap.objects.ConstraintTemplate) template.spec = count_(template.spec);
  for (const binding of snap.objects.ValidatingAdmissionPolicyBinding) binding.spec = count_(binding.spec);
  for (const policy of snap.objects.ClusterPolicy) policy.metadata = count_(policy.metadata);
  const controls = findExportToControls(snap);
  const exemptions = findExportToExemptions(snap, controls, () => true);
  return { controls, exemptions, reads: counter.reads };
}

describe('admission controls, one per tenant', () => {
  it('pairs each constraint with its template, each policy with its bindings, each exception with its policy', () => {
    const { controls, exemptions } = run(10);
    const by = (mechanism: string) => controls.filter((control) => control.mechanism === mechanism);
    expect(by('gatekeeper').map((control) => control.object.metadata.name)).toEqual(['c-0', 'c-2', 'c-4', 'c-6', 'c-8']);
    expect(by('validating-admission-policy').map((control) => [control.object.metadata.name, control.mode, control.parts])).toEqual(Array.from({ length: 10 }, (_, i) => [`vap-${i}`, i % 2 === 0 ? 'enforce' : 'audit', [`vapb-${i}`]]));
    expect(by('kyverno')).toHaveLength(10);
    expect(exemptions.map((exemption) => [exemption.object.metadata.namespace, exemption.exemptedPolicy])).toEqual(Array.from({ length: 10 }, (_, i) => [tenant(i), `ClusterPolicy exportto-${i}`]));
  });

  it('reads each template, binding and policy a bounded number of times, not once per other control', () => {
    const small = run(100).reads;
    const large = run(400).reads;
    // Linear: four times the controls, about four times the reads (a scan per control gives sixteen).
    expect(large).toBeLessThanOrEqual(small * 4.5);
    expect(large).toBeLessThan(400 * 40);
  });
});
