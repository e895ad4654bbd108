import { describe, expect, it } from '@jest/globals';
import { withSourceLocations } from '../../../src/cli/sources.js';
import type { Finding } from '../../../src/rules/types.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

const base: Finding = { findingId: 'x', ruleId: 'r', severity: 'high', category: 'exposure', title: 't', message: 'm', namespace: 'a', affectedNamespaces: [], evidence: {}, remediation: '', suppressed: false, subjectKey: '' };

describe('withSourceLocations', () => {
  const snapshot = snapshotFromYaml({ manifests: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: a}\nspec: {hosts: [x]}\n' });

  it('fills in the manifest location of the finding resource', () => {
    const finding: Finding = { ...base, resource: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'se', namespace: 'a' } };
    expect(withSourceLocations([finding], snapshot)[0]?.source).toEqual({ file: 'test.yaml', line: 1 });
  });

  it('keeps a location the rule set and leaves findings without a known object alone', () => {
    const own: Finding = { ...base, resource: { apiVersion: 'v1', kind: 'ServiceEntry', name: 'se', namespace: 'a' }, source: { file: 'other.yaml', line: 9 } };
    const unknown: Finding = { ...base, resource: { apiVersion: 'v1', kind: 'Sidecar', name: 'nope', namespace: 'a' } };
    const [first, second] = withSourceLocations([own, unknown], snapshot);
    expect(first?.source).toEqual({ file: 'other.yaml', line: 9 });
    expect(second?.source).toBeUndefined();
  });
});
