import { describe, expect, it } from '@jest/globals';
import { exitCodeFor, parseFailOn, UsageError } from '../../../src/cli/exit-codes.js';
import type { Finding } from '../../../src/rules/types.js';

const f = (severity: Finding['severity'], suppressed = false) => ({ severity, suppressed }) as Finding;

describe('exit codes', () => {
  it('fails on unsuppressed findings at or above the threshold only', () => {
    expect(exitCodeFor([f('medium')], 'high')).toBe(0);
    expect(exitCodeFor([f('high')], 'high')).toBe(1);
    expect(exitCodeFor([f('critical')], 'high')).toBe(1);
    expect(exitCodeFor([f('critical', true)], 'high')).toBe(0);
    expect(exitCodeFor([f('info')], 'info')).toBe(1);
    expect(exitCodeFor([f('critical')], 'none')).toBe(0);
  });

  it('parses --fail-on case-insensitively and rejects unknown values', () => {
    expect(parseFailOn('HIGH')).toBe('high');
    expect(parseFailOn('none')).toBe('none');
    expect(() => parseFailOn('urgent')).toThrow(UsageError);
  });
});
