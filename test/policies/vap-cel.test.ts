/**
 * Runs the CEL of the kit's ValidatingAdmissionPolicy with a maintained CEL implementation
 * (@bufbuild/cel, plus its strings extension, which Kubernetes also enables) against
 * allowed and denied Istio objects, the way the API server evaluates it: variables in
 * order, then every validation; a validation that is false rejects with its message.
 */
import { describe, expect, it } from '@jest/globals';
import { run, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { findManifest, renderOverlay, type Manifest } from './kit.js';

interface PolicySpec {
  variables: Array<{ name: string; expression: string }>;
  validations: Array<{ expression: string; messageExpression?: string; message?: string; reason?: string }>;
}

const POLICY_NAME = 'istio-exportto-explicit.isolation-scanner.io';

/** Evaluates the policy for one CREATE request and returns the rejection messages (empty = admitted). */
function admit(policy: Manifest, object: Record<string, unknown>, namespace: string): string[] {
  const spec = policy.spec as PolicySpec;
  const variables: Record<string, unknown> = {};
  // Plain objects and arrays are CEL maps and lists to @bufbuild/cel.
  const bindings = {
    object,
    oldObject: null,
    request: { operation: 'CREATE', namespace },
    namespaceObject: { metadata: { name: namespace } },
    variables,
  } as unknown as Record<string, CelInput>;
  for (const variable of spec.variables) variables[variable.name] = run(variable.expression, bindings, { funcs: strings });
  const messages: string[] = [];
  for (const validation of spec.validations) {
    const result = run(validation.expression, bindings, { funcs: strings });
    if (typeof result !== 'boolean') throw new Error(`validation ${validation.expression} returned ${String(result)}, not a bool`);
    if (!result) messages.push(validation.messageExpression ? String(run(validation.messageExpression, bindings, { funcs: strings })) : (validation.message ?? ''));
  }
  return messages;
}

function istioObject(kind: string, name: string, namespace: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace }, spec };
}

const serviceEntry = (spec: Record<string, unknown>) =>
  istioObject('ServiceEntry', 'payments-api', 'tenant-a', { hosts: ['api.payments.example.com'], resolution: 'DNS', ...spec });

const policy = findManifest(renderOverlay('enforce/vap'), 'ValidatingAdmissionPolicy', POLICY_NAME);

describe('ValidatingAdmissionPolicy CEL (enforce/vap)', () => {
  it.each([
    ['own namespace only', ['.']],
    ['named consumers', ['tenant-b', 'tenant-c']],
    ['own namespace and a named consumer', ['.', 'tenant-b']],
    ['nobody (~)', ['~']],
  ])('admits a ServiceEntry exported to %s', (_label, exportTo) => {
    expect(admit(policy, serviceEntry({ exportTo }), 'tenant-a')).toEqual([]);
  });

  it('rejects a ServiceEntry without exportTo, naming it', () => {
    const messages = admit(policy, serviceEntry({}), 'tenant-a');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('ServiceEntry tenant-a/payments-api has no spec.exportTo');
  });

  it('rejects an empty exportTo (it means the mesh default)', () => {
    expect(admit(policy, serviceEntry({ exportTo: [] }), 'tenant-a')).toHaveLength(1);
  });

  it('rejects "*" alone and "*" mixed with names', () => {
    expect(admit(policy, serviceEntry({ exportTo: ['*'] }), 'tenant-a')[0]).toContain('exports to "*"');
    expect(admit(policy, serviceEntry({ exportTo: ['.', '*'] }), 'tenant-a')).toHaveLength(1);
  });

  it('rejects an object without a spec at all instead of failing to evaluate', () => {
    const object = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'empty', namespace: 'tenant-a' } };
    expect(admit(policy, object, 'tenant-a')).toHaveLength(1);
  });

  it.each(['VirtualService', 'DestinationRule'])('applies the same checks to %s', (kind) => {
    expect(admit(policy, istioObject(kind, 'reviews', 'tenant-a', { hosts: ['reviews'] }), 'tenant-a')).toHaveLength(1);
    expect(admit(policy, istioObject(kind, 'reviews', 'tenant-a', { hosts: ['reviews'], exportTo: ['*'] }), 'tenant-a')).toHaveLength(1);
    expect(admit(policy, istioObject(kind, 'reviews', 'tenant-a', { hosts: ['reviews'], exportTo: ['.'] }), 'tenant-a')).toEqual([]);
  });

  it('matches only CREATE and UPDATE of the three Istio kinds', () => {
    const rules = (policy.spec as { matchConstraints: { resourceRules: Array<Record<string, string[]>> } }).matchConstraints.resourceRules;
    expect(rules).toEqual([
      {
        apiGroups: ['networking.istio.io'],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['serviceentries', 'virtualservices', 'destinationrules'],
      },
    ]);
  });
});

describe('shared namespaces (sharedNamespaces variable patched)', () => {
  const patched = structuredClone(policy);
  const sharedVariable = (patched.spec as PolicySpec).variables.find((variable) => variable.name === 'sharedNamespaces')!;
  sharedVariable.expression = "['shared-services']";

  it('admits "*" in a shared namespace', () => {
    expect(admit(patched, istioObject('ServiceEntry', 'ext', 'shared-services', { hosts: ['x.example.com'], exportTo: ['*'] }), 'shared-services')).toEqual([]);
  });

  it('still requires an explicit exportTo there', () => {
    expect(admit(patched, istioObject('ServiceEntry', 'ext', 'shared-services', { hosts: ['x.example.com'] }), 'shared-services')).toHaveLength(1);
  });

  it('still rejects "*" elsewhere', () => {
    expect(admit(patched, serviceEntry({ exportTo: ['*'] }), 'tenant-a')).toHaveLength(1);
  });
});

describe('bindings', () => {
  const binding = (overlay: string) => findManifest(renderOverlay(overlay), 'ValidatingAdmissionPolicyBinding', POLICY_NAME).spec as { validationActions: string[]; policyName: string };

  it('enforce denies, audit only audits and warns', () => {
    expect(binding('enforce/vap').validationActions).toEqual(['Deny']);
    expect(binding('audit/vap').validationActions).toEqual(['Audit', 'Warn']);
    expect(binding('audit/vap').policyName).toBe(POLICY_NAME);
  });
});
