import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { KIND_INFO } from '../../../src/snapshot/kinds.js';
import { KIND_SCHEMAS } from '../../../src/snapshot/schemas/index.js';
import { KIND_VALIDATORS } from '../../../src/snapshot/schemas/validators.gen.js';
import type { K8sObject, SnapshotKind } from '../../../src/snapshot/types.js';
import { admittedObjectProblem, partitionValidObjects, schemaProblem, statusProblem } from '../../../src/snapshot/validate.js';

function object(raw: Record<string, unknown>): K8sObject {
  const result = normalizeObject(raw, { file: 'f.yaml', line: 3 });
  if (!('object' in result)) throw new Error('fixture is not an object');
  return result.object;
}

const se = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  object({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se', namespace: 'a' }, spec, status });

describe('object validation', () => {
  it.each([
    ['exportTo string', { hosts: ['a'], exportTo: '*' }, 'spec.exportTo must be array'],
    ['exportTo numbers', { hosts: ['a'], exportTo: [1] }, 'spec.exportTo.0 must be string'],
    ['hosts object', { hosts: { a: 1 } }, 'spec.hosts must be array'],
    ['port number as string', { hosts: ['a'], ports: [{ number: '443' }] }, 'spec.ports.0.number must be integer'],
  ])('rejects a ServiceEntry with %s', (_name, spec, message) => {
    const problem = schemaProblem(se(spec));
    expect(problem?.type).toBe('schema');
    expect(problem?.message).toContain(message);
    expect(problem?.source).toEqual({ file: 'f.yaml', line: 3 });
  });

  it('accepts unknown extra fields (newer Istio APIs add fields)', () => {
    expect(schemaProblem(se({ hosts: ['a'], exportTo: ['.'], somethingNew: { x: 1 } }))).toBeUndefined();
  });

  it('validates Sidecar egress entries and ConfigMap data', () => {
    const sidecar = object({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 's', namespace: 'a' }, spec: { egress: [{ port: { number: 80 } }] } });
    expect(schemaProblem(sidecar)?.message).toContain("must have required property 'hosts'");
    const configMap = object({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: { not: 'a string' } } });
    expect(schemaProblem(configMap)?.message).toContain('data.mesh must be string');
  });

  it('flags negative status conditions and ERROR validation messages only', () => {
    expect(statusProblem(se({ hosts: ['a'] }, { conditions: [{ type: 'Reconciled', status: 'True' }] }))).toBeUndefined();
    expect(statusProblem(se({ hosts: ['a'] }, { conditions: [{ type: 'Ready', status: 'False' }] }))).toBeUndefined();
    expect(statusProblem(se({ hosts: ['a'] }, { validationMessages: [{ level: 'WARNING' }] }))).toBeUndefined();
    expect(statusProblem(se({ hosts: ['a'] }, { conditions: [{ type: 'Accepted', status: 'False', reason: 'Invalid' }] }))?.message).toContain('Accepted=False (Invalid)');
    expect(statusProblem(se({ hosts: ['a'] }, { validationMessages: [{ level: 'ERROR', type: { code: 'IST0101' } }] }))?.type).toBe('status');
  });

  it('partitions objects, keeping order', () => {
    const good = se({ hosts: ['a'] });
    const bad = se({ hosts: 'a' });
    const { valid, problems } = partitionValidObjects([bad, good]);
    expect(valid).toEqual([good]);
    expect(problems).toHaveLength(1);
  });

  it('keeps an object the API server rejects only for its metadata (its spec still says what it configures) and reports it; a spec rejection sets it aside', () => {
    const named = (name: string, spec: Record<string, unknown>) => object({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name, namespace: 'a' }, spec });
    const badName = named('se_a', { hosts: ['a.example.com'], exportTo: ['b'] });
    const badNameAndSpec = named('se_b', { hosts: ['*'] });
    const { valid, problems } = partitionValidObjects([badName, badNameAndSpec], { admission: true });
    expect(valid).toEqual([badName]);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('metadata.name "se_a" is not a valid DNS-1123 subdomain (at most 253 characters); fix it to apply the object; its spec is still evaluated as written'),
      expect.stringContaining('spec.hosts[0]: hostname cannot be wildcard; the object is ignored for exposure'),
    ]);
    // Live objects were admitted already: nothing is checked or set aside.
    expect(partitionValidObjects([badName, badNameAndSpec]).valid).toHaveLength(2);
  });
});

describe('schema validation without a copy of each object', () => {
  // schemaProblem validates the K8sObject itself (schemas reading only `spec`) or its body
  // (schemas reading only other top-level fields) instead of `{ spec, ...body }`: same verdict
  // and same first error as the object as written, for every kind that has a schema.
  const kinds = Object.keys(KIND_VALIDATORS) as Array<keyof typeof KIND_INFO>;
  const propertiesOf = (schema: unknown): string[] => Object.keys(((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}) as Record<string, unknown>);
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'name', 'matchLabels', 'mode', 'number', 'hosts'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  );
  const expectedMessage = (kind: SnapshotKind, object: K8sObject): string | undefined => {
    const validate = KIND_VALIDATORS[kind]!;
    if (validate({ spec: object.spec, ...object.body })) return undefined;
    const error = validate.errors?.[0];
    return `${(error?.instancePath ?? '').replace(/^\//, '').split('/').join('.') || '(root)'} ${error?.message ?? 'is invalid'}`;
  };

  it.each(kinds)('%s: same verdict and first error as validating { spec, ...body }', (kind) => {
    const info = KIND_INFO[kind];
    const schema = KIND_SCHEMAS[kind];
    const specFields = propertiesOf((schema?.properties as Record<string, unknown> | undefined)?.spec);
    const topFields = [...propertiesOf(schema).filter((name) => name !== 'spec'), '__proto__', 'other'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...specFields, 'extra'), value, { maxKeys: 4 }), fc.dictionary(fc.constantFrom(...topFields), value, { maxKeys: 3 }), (spec, top) => {
        // Through JSON, as read: an own "__proto__" key stays a plain property.
        const raw = JSON.parse(JSON.stringify({ apiVersion: `${info.group ? `${info.group}/` : ''}${info.versions[0]}`, kind: info.objectKind ?? info.kind, metadata: { name: 'o', namespace: info.namespaced ? 'a' : undefined }, spec, ...top })) as Record<string, unknown>;
        const result = normalizeObject(raw);
        if (!('object' in result)) throw new Error(`fixture is not an object: ${JSON.stringify(result)}`);
        const expected = expectedMessage(kind, result.object);
        const problem = schemaProblem(result.object);
        if (expected === undefined) expect(problem).toBeUndefined();
        else expect(problem?.message).toContain(`: ${expected}; `);
      }),
      { numRuns: 150 },
    );
  });

  it('admittedObjectProblem is what partitionValidObjects sets aside for an admitted (live) source', () => {
    const good = se({ hosts: ['a'] });
    const badSchema = se({ hosts: 'a' });
    const badStatus = se({ hosts: ['a'] }, { conditions: [{ type: 'Reconciled', status: 'False' }] });
    const { valid, problems } = partitionValidObjects([good, badSchema, badStatus]);
    expect(valid).toEqual([good]);
    expect([good, badSchema, badStatus].map(admittedObjectProblem).filter((problem) => problem !== undefined)).toEqual(problems);
  });
});

