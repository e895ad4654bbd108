/**
 * Structure of the custom Azure Policy definition (infra/policy/istio-exportto.policy.json)
 * and of the built-in catalogue: a valid Microsoft.Kubernetes.Data definition whose
 * parameters, kinds and constraint values agree with the embedded Gatekeeper
 * ConstraintTemplate. The deployed form (templateInfo embedded, assignments) is checked
 * in deployment.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { readRepoFile, readRepoJson } from './helpers.js';

interface PolicyParameter {
  type: string;
  allowedValues?: unknown[];
  defaultValue?: unknown;
  metadata: { displayName: string; description: string };
}
interface PolicyFile {
  name: string;
  displayName: string;
  description: string;
  mode: string;
  metadata: { category: string; version: string };
  parameters: Record<string, PolicyParameter>;
  policyRule: {
    if: { field: string; in: string[] };
    then: { effect: string; details: { apiGroups: string[]; kinds: string[]; excludedNamespaces: string; namespaces: string; values: Record<string, string>; templateInfo?: unknown } };
  };
}

const policy = readRepoJson<PolicyFile>('infra/policy/istio-exportto.policy.json');
const template = parse(readRepoFile('policies/gatekeeper/serviceentry-exportto-template.yaml')) as {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { crd: { spec: { names: { kind: string }; validation: { openAPIV3Schema: { properties: Record<string, unknown> } } } }; targets: { target: string; rego: string }[] };
};

/** Names of the parameters an expression string references: "[parameters('x')]" -> x. */
function referencedParameters(node: unknown): string[] {
  if (typeof node === 'string') return [...node.matchAll(/parameters\('([^']+)'\)/g)].map((match) => match[1]!);
  if (Array.isArray(node)) return node.flatMap(referencedParameters);
  if (node && typeof node === 'object') return Object.values(node).flatMap(referencedParameters);
  return [];
}

describe('the custom exportTo policy definition', () => {
  it('is a Microsoft.Kubernetes.Data definition on AKS and Arc clusters', () => {
    expect(policy.mode).toBe('Microsoft.Kubernetes.Data');
    expect(policy.metadata.category).toBe('Kubernetes');
    expect(policy.policyRule.if).toEqual({ field: 'type', in: ['Microsoft.ContainerService/managedClusters', 'Microsoft.Kubernetes/connectedClusters'] });
    expect(policy.name).toMatch(/^[a-z0-9-]{1,64}$/);
  });

  it('takes its effect from a parameter: Audit by default, Deny or Disabled when chosen', () => {
    expect(policy.policyRule.then.effect).toBe("[parameters('effect')]");
    expect(policy.parameters.effect).toMatchObject({ type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Audit' });
  });

  it('declares every parameter it references and references every parameter it declares', () => {
    const referenced = new Set(referencedParameters(policy.policyRule));
    expect([...referenced].sort()).toEqual(Object.keys(policy.parameters).sort());
    for (const parameter of Object.values(policy.parameters)) {
      expect(parameter.metadata.displayName.length).toBeGreaterThan(0);
      expect(parameter.metadata.description.length).toBeGreaterThan(0);
      if (parameter.type === 'Array') expect(Array.isArray(parameter.defaultValue)).toBe(true);
    }
  });

  it('matches the Istio kinds the ConstraintTemplate checks', () => {
    const rego = template.spec.targets[0]!.rego;
    const regoKinds = /istio_kinds := \{([^}]*)\}/.exec(rego)![1]!.split(',').map((kind) => kind.trim().replace(/"/g, ''));
    expect(policy.policyRule.then.details.apiGroups).toEqual(['networking.istio.io']);
    expect([...policy.policyRule.then.details.kinds].sort()).toEqual(regoKinds.sort());
    expect(rego).toContain('input.review.kind.group == "networking.istio.io"');
  });

  it('passes exactly the constraint parameters the template declares', () => {
    const declared = Object.keys(template.spec.crd.spec.validation.openAPIV3Schema.properties);
    expect(Object.keys(policy.policyRule.then.details.values).sort()).toEqual(declared.sort());
  });

  it('leaves templateInfo to the Bicep catalogue, which embeds the repository\'s template', () => {
    expect(policy.policyRule.then.details.templateInfo).toBeUndefined();
    expect(template).toMatchObject({ apiVersion: 'templates.gatekeeper.sh/v1', kind: 'ConstraintTemplate', metadata: { name: 'k8sistioserviceentryexportto' } });
    expect(template.spec.crd.spec.names.kind).toBe('K8sIstioServiceEntryExportTo');
    expect(template.spec.targets.map((target) => target.target)).toEqual(['admission.k8s.gatekeeper.sh']);
    expect(readRepoFile('infra/modules/shared/catalog.bicep')).toContain("loadFileAsBase64('../../../policies/gatekeeper/serviceentry-exportto-template.yaml')");
  });

  it('excludes the control plane and the system namespaces Azure Policy always excludes', () => {
    expect(policy.parameters.excludedNamespaces!.defaultValue).toEqual(expect.arrayContaining(['kube-system', 'gatekeeper-system', 'azure-arc', 'aks-istio-system']));
  });
});

describe('the built-in AKS policy catalogue', () => {
  const catalog = readRepoFile('infra/modules/shared/catalog.bicep');
  const definitionIds = [...catalog.matchAll(/definitionId: '([^']+)'/g)].map((match) => match[1]!);
  const mirrored = [...catalog.matchAll(/mirrors: '([^']+)'/g)].map((match) => match[1]!);

  it('lists real definition ids (GUIDs), each once', () => {
    expect(definitionIds.length).toBe(7);
    for (const id of definitionIds) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(definitionIds).size).toBe(definitionIds.length);
  });

  it('documents which scanner rule each definition mirrors (docs/deployment.md)', () => {
    const deploymentDoc = readRepoFile('docs/deployment.md');
    for (const ruleId of new Set(mirrored)) expect(deploymentDoc).toContain(`\`${ruleId}\``);
  });
});
