import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import type { Rule, RuleResult } from '../../../src/rules/types.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
`;

function ruleWith(affected: () => string[], counter: { calls: number }): Rule {
  return {
    meta: { id: 'test-rule', title: 'A rule for engine tests', category: 'exposure', defaultSeverity: 'low', rationale: 'exercises the engine only, not a real rule', remediation: 'none needed', references: ['https://example.com'], requires: [] },
    evaluate: () => [
      {
        message: 'lazy',
        namespace: 'tenant-a',
        evidence: {},
        get affectedNamespaces() {
          counter.calls += 1;
          return affected();
        },
      },
      { message: 'plain', namespace: 'tenant-a', evidence: {}, affectedNamespaces: ['x'] },
    ],
  };
}

describe('evaluateSnapshot', () => {
  it('keeps a lazy affectedNamespaces lazy until an output reads it, and outputs see a plain array', () => {
    const counter = { calls: 0 };
    const [lazy, plain] = evaluateSnapshot(snapshotFromYaml({ manifests }), defaultConfig(), { rules: [ruleWith(() => ['tenant-b', 'tenant-c'], counter)] });
    expect(counter.calls).toBe(0);
    expect(lazy!.affectedNamespaces).toEqual(['tenant-b', 'tenant-c']);
    expect(JSON.parse(JSON.stringify(lazy)).affectedNamespaces).toEqual(['tenant-b', 'tenant-c']);
    expect(counter.calls).toBe(2);
    expect(plain!.affectedNamespaces).toEqual(['x']);
  });

  it('gives every finding a stable id and fills title, category and default severity', () => {
    const counter = { calls: 0 };
    const first = evaluateSnapshot(snapshotFromYaml({ manifests }), defaultConfig(), { rules: [ruleWith(() => [], counter)] });
    const second = evaluateSnapshot(snapshotFromYaml({ manifests }), defaultConfig(), { rules: [ruleWith(() => [], counter)] });
    expect(first.map((f) => f.findingId)).toEqual(second.map((f) => f.findingId));
    expect(first[0]).toMatchObject({ ruleId: 'test-rule', title: 'A rule for engine tests', category: 'exposure', severity: 'low' });
  });

  it('applies severity overrides from the configuration', () => {
    const [finding] = evaluateSnapshot(snapshotFromYaml({ manifests }), defaultConfig({ severityOverrides: { 'test-rule': 'critical' } }), { rules: [ruleWith(() => [], { calls: 0 })] });
    expect(finding!.severity).toBe('critical');
  });

  it('skips a rule whose required kinds were not read (never "compliant" on missing data)', () => {
    const rule: Rule = { ...ruleWith(() => [], { calls: 0 }), meta: { ...ruleWith(() => [], { calls: 0 }).meta, requires: ['Sidecar'] } };
    const snapshot = snapshotFromYaml({ manifests, coverage: { Sidecar: { status: 'forbidden', error: 'HTTP 403' } } });
    expect(evaluateSnapshot(snapshot, defaultConfig(), { rules: [rule] })).toEqual([]);
  });
});

describe('finding locations', () => {
  const snapshot = snapshotFromYaml({ manifests: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: a}\nspec: {hosts: [x]}\n' });
  const ruleReturning = (results: RuleResult[]): Rule => ({ ...ruleWith(() => [], { calls: 0 }), evaluate: () => results });

  it('fills in the manifest location of the finding resource', () => {
    const [finding] = evaluateSnapshot(snapshot, defaultConfig(), { rules: [ruleReturning([{ message: 'm', namespace: 'a', evidence: {}, resource: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'se', namespace: 'a' } }])] });
    expect(finding?.source).toEqual({ file: 'test.yaml', line: 1 });
  });

  it('keeps a location the rule set and leaves findings without a known object alone', () => {
    const [first, second] = evaluateSnapshot(snapshot, defaultConfig(), {
      rules: [
        ruleReturning([
          { message: 'own', namespace: 'a', evidence: {}, resource: { apiVersion: 'v1', kind: 'ServiceEntry', name: 'se', namespace: 'a' }, source: { file: 'other.yaml', line: 9 }, subjectKey: '1' },
          { message: 'unknown', namespace: 'a', evidence: {}, resource: { apiVersion: 'v1', kind: 'Sidecar', name: 'nope', namespace: 'a' }, subjectKey: '2' },
        ]),
      ],
    });
    expect(first?.source).toEqual({ file: 'other.yaml', line: 9 });
    expect(second?.source).toBeUndefined();
  });
});

describe('scanSnapshot', () => {
  it('marks a scan partial when a kind could not be read, and failed when told so', () => {
    const partial = scanSnapshot(snapshotFromYaml({ manifests, coverage: { Namespace: { status: 'read' }, Sidecar: { status: 'forbidden', error: 'HTTP 403' } } }), defaultConfig(), { scanId: 's', startedAt: Date.now() });
    expect(partial.record.status).toBe('partial');
    expect(partial.record.error).toContain('Sidecar (forbidden)');
    const failed = scanSnapshot(snapshotFromYaml({ manifests }), defaultConfig(), { scanId: 's', startedAt: Date.now(), failure: 'unreachable' });
    expect(failed.record.status).toBe('failed');
    // Nothing read at all (every kind the scanner tried is unreadable) is failed too, not partial.
    const nothingRead = scanSnapshot(snapshotFromYaml({ manifests: '', coverage: { Namespace: { status: 'failed', error: 'ECONNREFUSED' }, Sidecar: { status: 'failed', error: 'ECONNREFUSED' } } }), defaultConfig(), { scanId: 's', startedAt: Date.now() });
    expect(nothingRead.record).toMatchObject({ status: 'failed', error: 'nothing could be read from the API server (ECONNREFUSED)' });
    expect(failed.record.error).toBe('unreachable');
  });
});
