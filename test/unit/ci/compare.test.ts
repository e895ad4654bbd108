/** Findings now against findings before: new, updated (worse), unchanged, resolved; and the baseline file reader. */
import { describe, expect, it } from '@jest/globals';
import { BaselineError, parseBaselineReport } from '../../../src/report/baseline.js';
import { compareFindings, withComparison } from '../../../src/report/compare.js';
import { buildJsonReport } from '../../../src/report/json.js';
import { clusterResult, finding, sampleReport } from '../report/fixtures.js';

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('compareFindings', () => {
  it('matches by finding id: new, unchanged, worse (more severe or no longer suppressed), resolved', () => {
    const before = [finding({ findingId: id(1) }), finding({ findingId: id(2), severity: 'high' }), finding({ findingId: id(3), suppressed: true }), finding({ findingId: id(4) })];
    const now = [finding({ findingId: id(1), message: 'reworded' }), finding({ findingId: id(2), severity: 'critical' }), finding({ findingId: id(3) }), finding({ findingId: id(5) })];
    const { states, resolved } = compareFindings(now, before);
    expect([...states]).toEqual([[id(1), 'unchanged'], [id(2), 'updated'], [id(3), 'updated'], [id(5), 'new']]);
    expect(resolved.map((f) => f.findingId)).toEqual([id(4)]);
  });

  it('a finding that became less severe is unchanged, not new', () => {
    expect(compareFindings([finding({ findingId: id(1), severity: 'low' })], [finding({ findingId: id(1), severity: 'high' })]).states.get(id(1))).toBe('unchanged');
  });

  it('withComparison attaches the states and resolved findings to a result', () => {
    const compared = withComparison(clusterResult([finding({ findingId: id(1) })]), [finding({ findingId: id(2) })], 'baseline prev.json', 'baseline');
    expect(compared.comparison).toMatchObject({ against: 'baseline prev.json', kind: 'baseline' });
    expect(compared.comparison!.resolved.map((f) => f.findingId)).toEqual([id(2)]);
  });
});

describe('parseBaselineReport', () => {
  it('reads the findings of each cluster of a JSON report back', () => {
    const text = JSON.stringify(buildJsonReport({ ...sampleReport, clusters: [clusterResult([finding({ findingId: id(7) })], 'prod'), clusterResult([], 'dev')] }));
    const clusters = parseBaselineReport(text, 'prev.json');
    expect([...clusters.keys()]).toEqual(['prod', 'dev']);
    expect(clusters.get('prod')![0]).toMatchObject({ findingId: id(7), ruleId: 'exportto-missing', severity: 'high', suppressed: false, namespace: 'tenant-a' });
    expect(clusters.get('prod')![0]!.resource).toMatchObject({ kind: 'ServiceEntry', name: 'payments' });
  });

  it('refuses SARIF, other JSON and broken text with a message naming the file', () => {
    expect(() => parseBaselineReport('{"version":"2.1.0","runs":[]}', 'r.sarif')).toThrow(/r\.sarif is not a JSON report of this scanner \(it is SARIF; write the baseline with --output json=FILE\)/);
    expect(() => parseBaselineReport('{"clusters":[]}', 'x.json')).toThrow(BaselineError);
    expect(() => parseBaselineReport('{"scanId":"s","scanner":{},"clusters":[{"cluster":{"name":"c"},"findings":[{"findingId":"nothex"}]}]}', 'x.json')).toThrow(/x\.json is not a JSON report/);
    expect(() => parseBaselineReport('{"truncated', 'cut.json')).toThrow(/cut\.json is not JSON/);
  });
});
