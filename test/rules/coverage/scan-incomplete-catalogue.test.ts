import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { ALL_RULES, findRule } from '../../../src/rules/registry.js';
import type { Rule } from '../../../src/rules/types.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

describe('scan-incomplete names the rules made blind', () => {
  it('lists exactly the registry rules whose meta.requires includes the unreadable kind', () => {
    const probe: Rule = {
      meta: { id: 'probe-needs-sidecars', title: 'probe', category: 'sidecar', defaultSeverity: 'low', rationale: 'r', remediation: 'r', references: [], requires: ['Sidecar'] },
      evaluate: () => [{ message: 'probe fired', namespace: '' }].map((r) => ({ ...r, evidence: {} })),
    };
    // Namespaces were read: the cluster answered, only Sidecars are missing (a partial scan).
    const snapshot = snapshotFromYaml({ manifests: '', coverage: { Namespace: { status: 'read' }, Sidecar: { status: 'forbidden' } } });
    const findings = evaluateSnapshot(snapshot, defaultConfig(), { rules: [findRule('scan-incomplete') as Rule, probe] });
    // The blind probe is skipped by the engine; the coverage finding explains why.
    expect(findings.map((f) => f.ruleId)).toEqual(['scan-incomplete']);
    const expected = ALL_RULES.filter((r) => r.meta.requires.includes('Sidecar')).map((r) => r.meta.id).sort();
    expect(findings[0]?.evidence.unknownRules).toEqual(expected);
  });
});
