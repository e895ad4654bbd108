import { describe, expect, it } from '@jest/globals';
import { constraintMode, findExportToControls, kyvernoKindMatchesServiceEntry } from '../../../src/mesh/admission.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

describe('admission control recognition', () => {
  it('understands Kyverno kind notations', () => {
    for (const kind of ['ServiceEntry', 'v1/ServiceEntry', 'networking.istio.io/v1/ServiceEntry', 'networking.istio.io/*/ServiceEntry', '*/*/ServiceEntry', '*']) {
      expect(kyvernoKindMatchesServiceEntry(kind)).toBe(true);
    }
    for (const kind of ['VirtualService', 'example.com/v1/ServiceEntry']) expect(kyvernoKindMatchesServiceEntry(kind)).toBe(false);
  });

  it('reads Gatekeeper enforcement actions, including scoped ones', () => {
    const snapshot = snapshotFromYaml({
      manifests: ['deny', 'dryrun', 'warn']
        .map((action) => `apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {name: ${action}}\nspec: {enforcementAction: ${action}}\n`)
        .concat([
          'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {name: scoped}\nspec:\n  enforcementAction: scoped\n  scopedEnforcementActions: [{action: deny, enforcementPoints: [{name: validation.gatekeeper.sh}]}]\n',
          'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {name: scoped-audit}\nspec:\n  enforcementAction: scoped\n  scopedEnforcementActions: [{action: deny, enforcementPoints: [{name: audit.gatekeeper.sh}]}]\n',
          'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata: {name: default}\nspec: {}\n',
        ])
        .join('---\n'),
    });
    expect(Object.fromEntries(snapshot.objects.Constraint.map((c) => [c.metadata.name, constraintMode(c)]))).toEqual({
      deny: 'enforce',
      dryrun: 'audit',
      warn: 'audit',
      scoped: 'enforce',
      'scoped-audit': 'audit',
      default: 'enforce',
    });
  });

  it('does not count Kyverno policies with admission disabled (background only)', () => {
    const snapshot = snapshotFromYaml({
      manifests: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: bg}
spec:
  admission: false
  validationFailureAction: Enforce
  rules: [{name: r, match: {resources: {kinds: [ServiceEntry]}}, validate: {pattern: {spec: {exportTo: ["!*"]}}}}]
`,
    });
    expect(findExportToControls(snapshot)).toEqual([]);
  });
});
