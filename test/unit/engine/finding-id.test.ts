import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { computeFindingId } from '../../../src/rules/finding-id.js';

describe('computeFindingId', () => {
  it('is the first 32 hex characters of the SHA-256 of the parts joined by NUL (findings.md "FindingId")', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 6, maxLength: 6 }), ([clusterResourceId, ruleId, namespace, resourceKind, resourceName, subjectKey]) => {
        const parts = { clusterResourceId: clusterResourceId!, ruleId: ruleId!, namespace: namespace!, resourceKind: resourceKind!, resourceName: resourceName!, subjectKey: subjectKey! };
        const expected = createHash('sha256').update([clusterResourceId, ruleId, namespace, resourceKind, resourceName, subjectKey].join('\u0000')).digest('hex').slice(0, 32);
        expect(computeFindingId(parts)).toBe(expected);
      }),
      { numRuns: 300 },
    );
    expect(computeFindingId({ clusterResourceId: 'c', ruleId: 'exportto-missing', namespace: 'a', resourceKind: 'ServiceEntry', resourceName: 'x', subjectKey: '' })).toMatch(/^[0-9a-f]{32}$/);
  });
});
