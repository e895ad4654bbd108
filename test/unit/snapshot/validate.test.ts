import { describe, expect, it } from '@jest/globals';
import { normalizeObject } from '../../../src/snapshot/build.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { partitionValidObjects, schemaProblem, statusProblem } from '../../../src/snapshot/validate.js';

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
