import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Ajv, type SchemaObject } from 'ajv';
import fc from 'fast-check';
import { KIND_VALIDATORS_FILE, kindValidatorsSource } from '../../../scripts/generate-kind-validators.js';
import { KIND_SCHEMAS } from '../../../src/snapshot/schemas/index.js';
import { KIND_VALIDATORS } from '../../../src/snapshot/schemas/validators.gen.js';
import type { SnapshotKind } from '../../../src/snapshot/types.js';

/** Values shaped by the schema (so deep fields are reached), with a wrong type now and then. */
function shaped(schema: SchemaObject, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }));
  if (depth > 8) return wrong;
  let right: fc.Arbitrary<unknown>;
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
      const fields = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, shaped(property, depth + 1)]));
      const known = fc.record(fields, { requiredKeys: (schema.required as string[] | undefined)?.filter((name) => name in fields) ?? [] });
      const extra = typeof schema.additionalProperties === 'object' ? fc.dictionary(fc.string({ maxLength: 4 }), shaped(schema.additionalProperties as SchemaObject, depth + 1), { maxKeys: 3 }) : fc.constant({});
      right = fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a }));
      break;
    }
    case 'array':
      right = fc.array(schema.items ? shaped(schema.items as SchemaObject, depth + 1) : fc.jsonValue(), { maxLength: 3 });
      break;
    case 'string':
      right = fc.string({ maxLength: 8 });
      break;
    case 'integer':
      right = fc.integer();
      break;
    case 'boolean':
      right = fc.boolean();
      break;
    default:
      right = fc.jsonValue();
  }
  return fc.oneof({ arbitrary: right, weight: 9 }, { arbitrary: wrong, weight: 1 });
}

describe('precompiled kind validators (src/snapshot/schemas/validators.gen.ts)', () => {
  it('are exactly what scripts/generate-kind-validators.ts writes for KIND_SCHEMAS (regenerate after changing a schema or ajv)', () => {
    expect(readFileSync(KIND_VALIDATORS_FILE, 'utf8')).toBe(kindValidatorsSource());
  });

  it('cover every kind with a schema', () => {
    expect(Object.keys(KIND_VALIDATORS).sort()).toEqual(Object.keys(KIND_SCHEMAS).sort());
  });

  // The generated code is ajv's own; this checks the conversion to TypeScript kept its meaning.
  it.each(Object.keys(KIND_SCHEMAS) as SnapshotKind[])('%s: same verdict and first error as ajv compiling the schema at run time', (kind) => {
    const schema = KIND_SCHEMAS[kind]!;
    const compiled = new Ajv({ allErrors: false, strict: true }).compile(schema);
    const generated = KIND_VALIDATORS[kind]!;
    let invalid = 0;
    fc.assert(
      fc.property(shaped(schema), (value) => {
        const expected = compiled(value);
        const actual = generated(value);
        if (!expected) invalid += 1;
        expect(actual).toBe(expected);
        expect(generated.errors ?? null).toEqual(compiled.errors ?? null);
      }),
      { numRuns: 300, seed: 19 },
    );
    // The generator must exercise both verdicts, or the comparison proves little.
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(300);
  });
});
