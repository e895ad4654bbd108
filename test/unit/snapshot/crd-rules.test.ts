/**
 * The plain functions of src/snapshot/admission/crd-rules.ts against @bufbuild/cel, rule by
 * rule, on values shaped by the schema node each rule sits on in the vendored Istio CRDs (the
 * API server runs a rule only on a value its node accepted), with strings drawn from the
 * tokens the rules look at.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EQUIVALENT_RULES, durationNanos } from '../../../src/snapshot/admission/crd-rules.js';
import { ISTIO_CRD_SCHEMAS } from '../../../src/snapshot/admission/istio-crd-schemas.gen.js';
import { celEvaluator, withoutNullFields, type KubeSchema } from '../../../src/snapshot/admission/kube-schema.js';

/** Each rule of the vendored CRDs with the schema nodes it sits on. */
function vendoredRules(): Map<string, KubeSchema[]> {
  const rules = new Map<string, KubeSchema[]>();
  const walk = (schema: KubeSchema | undefined): void => {
    if (!schema) return;
    for (const { rule } of schema['x-kubernetes-validations'] ?? []) rules.set(rule, [...(rules.get(rule) ?? []), schema]);
    for (const child of Object.values(schema.properties ?? {})) walk(child);
    walk(schema.items);
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties);
    for (const part of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) walk(part);
    walk(schema.not);
  };
  for (const schema of Object.values(ISTIO_CRD_SCHEMAS)) walk(schema);
  return rules;
}

const DURATION_PARTS = fc.tuple(fc.constantFrom('', '0', '1', '5', '999', '1000000', '9223372036'), fc.constantFrom('', '.', '.5', '.0001', '.999999999', '.1234567891'), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h', '', 'x', 'μs'));
const duration = fc.tuple(fc.constantFrom('', '-', '+'), fc.array(DURATION_PARTS.map((parts) => parts.join('')), { minLength: 0, maxLength: 3 })).map(([sign, parts]) => sign + parts.join(''));
const TOKENS = ['', '*', '/', '@', 'unix://', 'unix:///', 'unix://@a', 'unix://a/', 'unix://', 'NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', '80', '0', '65535', '65536', '-1', '0x50', ' 80 ', '1e3', '08', 'a', 'a-b', '-a', 'é', '10.0.0.0/8', '0', '-0', '+0', '1ms', '0.5ms', '.5s', '1.s', '.s', '2h45m', '1ms1ms'];
const text = fc.oneof(fc.constantFrom(...TOKENS), fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(...TOKENS)).map(([a, b]) => a + b), duration, fc.string({ maxLength: 6 }), fc.string({ minLength: 60, maxLength: 70, unit: fc.constantFrom('a', '1', '-') }));

function shaped(schema: KubeSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema['x-kubernetes-int-or-string']) return fc.oneof(fc.integer(), text);
  switch (schema.type) {
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length > 0 && depth < 4) {
        // Each known field present or not; values shaped by their own node.
        return fc.record(Object.fromEntries(properties.map(([name, child]) => [name, shaped(child, depth + 1)])), { requiredKeys: schema.required ?? [], noNullPrototype: true });
      }
      const value = typeof schema.additionalProperties === 'object' ? shaped(schema.additionalProperties, depth + 1) : fc.constant('v');
      return fc.dictionary(text, value, { maxKeys: 3, noNullPrototype: true });
    }
    case 'array':
      return fc.array(schema.items && depth < 4 ? shaped(schema.items, depth + 1) : fc.constant({}), { maxLength: 3 });
    case 'string':
      return text;
    case 'integer':
      return fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: 65_533, max: 65_537 }), fc.integer());
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.oneof(text, fc.integer(), fc.constant({}));
  }
}

describe('CRD validation rules as plain functions (crd-rules.ts)', () => {
  const rules = vendoredRules();

  it('cover every rule of the vendored Istio CRDs (re-vendoring a CRD with a new rule fails here: add its function)', () => {
    expect([...rules.keys()].filter((rule) => !(rule in EQUIVALENT_RULES))).toEqual([]);
    expect(Object.keys(EQUIVALENT_RULES).filter((rule) => !rules.has(rule))).toEqual([]);
  });

  it.each([...rules.keys()])('%s: same result as @bufbuild/cel on values its schema nodes accept', (rule) => {
    const cel = celEvaluator(rule);
    const plain = EQUIVALENT_RULES[rule]!;
    const outcomes = new Set<boolean>();
    for (const node of rules.get(rule)!) {
      // The rule alone: the node's own checks (enum, children) are not this test's subject.
      const { 'x-kubernetes-validations': _rules, ...rest } = node;
      fc.assert(
        // Values reach the rules as withoutNullFields leaves them (plain objects), as in admission.
        fc.property(shaped(rest).map(withoutNullFields), (self) => {
          const expected = cel(self);
          outcomes.add(expected);
          expect(plain(self)).toBe(expected);
        }),
        { numRuns: 400, seed: 19 },
      );
    }
    // Both outcomes occur, or the comparison proves little.
    expect([...outcomes].sort()).toEqual([false, true]);
  });

  it('read durations as CEL does', () => {
    expect(durationNanos('1.5h')).toBe(5_400_000_000_000n);
    expect(durationNanos('-1ms')).toBe(-1_000_000n);
    expect(durationNanos('1.0000000009s')).toBe(1_000_000_000n);
    expect(durationNanos('0')).toBe(0n);
    expect(durationNanos('1')).toBeUndefined();
    expect(durationNanos('9223372037s')).toBeUndefined();
  });
});
