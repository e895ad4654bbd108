/**
 * Property-based tests of the offline manifest reader (src/snapshot/manifests.ts) and of the
 * whole offline pipeline behind it (normalize -> validate -> assemble -> rules): random
 * documents with wrong types, missing fields, odd Unicode, deep nesting and huge host lists
 * never crash it, and every document is accounted for as an object or a clear problem.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { defaultConfig } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/report/scan-result.js';
import { assembleSnapshot } from '../../src/snapshot/assemble.js';
import { normalizeObject } from '../../src/snapshot/build.js';
import { parseManifestText } from '../../src/snapshot/manifests.js';
import { SNAPSHOT_KINDS } from '../../src/snapshot/types.js';
import { hostileManifest } from './arbitraries.js';

const FILE = 'fuzz/manifest.yaml';

describe('manifest reader under hostile input', () => {
  it('never throws on arbitrary text (any Unicode), and every problem names the file', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const result = parseManifestText(text, FILE);
        for (const problem of result.problems) {
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.message).toContain(FILE);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary YAML/JSON values, nested deeply', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 12, withBigInt: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: true, withNullPrototype: true }), fc.boolean(), (value, asJson) => {
        let text: string;
        try {
          text = asJson ? JSON.stringify(value) ?? 'null' : stringify(value);
        } catch {
          return; // not serializable: nothing to read
        }
        const result = parseManifestText(text, FILE);
        expect(result.filesRead).toBe(1);
        expect(Array.isArray(result.objects)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses nesting deeper than the parser can follow with a problem, not a crash', () => {
    for (const depth of [1000, 20000]) {
      const result = parseManifestText('['.repeat(depth) + ']'.repeat(depth), FILE);
      expect(result.objects).toHaveLength(0);
      expect(result.problems.length).toBeGreaterThan(0);
      expect(result.problems[0]!.message).toContain(FILE);
    }
  });

  it('accounts for every Kubernetes-looking document: an object, a problem, or an ignored kind', () => {
    fc.assert(
      fc.property(fc.array(hostileManifest, { minLength: 1, maxLength: 8 }), (manifests) => {
        const text = manifests.map((manifest) => stringify(manifest)).join('---\n');
        const result = parseManifestText(text, FILE);
        expect(result.documentsRead).toBe(manifests.length);
        expect(result.objects.length + result.problems.length).toBeLessThanOrEqual(manifests.length);
        for (const object of result.objects) {
          // Normalized objects are safe to use without checks: strings and records where promised.
          expect(typeof object.metadata.name).toBe('string');
          expect(typeof object.metadata.namespace).toBe('string');
          expect(typeof object.spec).toBe('object');
          expect(SNAPSHOT_KINDS).toContain(object.snapshotKind);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the whole offline pipeline (assemble, mesh model, every rule, scan record) never throws on hostile objects', () => {
    fc.assert(
      fc.property(fc.array(hostileManifest, { maxLength: 25 }), (manifests) => {
        const objects = manifests.flatMap((manifest) => {
          const normalized = normalizeObject(manifest, { file: FILE, line: 1 });
          return 'object' in normalized ? [normalized.object] : [];
        });
        const snapshot = assembleSnapshot({ cluster: { name: 'fuzz' }, source: 'manifests', objects });
        const result = scanSnapshot(snapshot, defaultConfig(), { scanId: 'fuzz', startedAt: Date.now() });
        expect(['succeeded', 'partial', 'failed']).toContain(result.record.status);
        for (const finding of result.findings) expect(finding.findingId).toMatch(/^[0-9a-f]{32}$/);
        // Findings must survive JSON (the CLI, SARIF and Log Analytics all serialize them).
        expect(() => JSON.stringify(result)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});
