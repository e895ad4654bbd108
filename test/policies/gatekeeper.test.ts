/**
 * Structural checks of the Gatekeeper ConstraintTemplate. Its rego cannot be executed
 * here (no opa binary or wasm build in this repository), so these tests pin the
 * conventions Gatekeeper and Azure Policy for Kubernetes require and the facts the rego
 * must reference; the rego itself is kept small and reviewed by hand (docs/prevention.md).
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { POLICIES_DIR, findManifest, loadYamlFile, renderOverlay } from './kit.js';

interface TemplateSpec {
  crd: { spec: { names: { kind: string }; validation: { openAPIV3Schema: { properties: Record<string, { type: string; items?: { type: string } }> } } } };
  targets: Array<{ target: string; rego: string }>;
}

const [template] = loadYamlFile(join(POLICIES_DIR, 'gatekeeper/serviceentry-exportto-template.yaml'));
const spec = template!.spec as TemplateSpec;
const rego = spec.targets[0]!.rego;

describe('Gatekeeper ConstraintTemplate K8sIstioServiceEntryExportTo', () => {
  it('is the only document of its file (Azure Policy embeds the file base64-encoded)', () => {
    expect(loadYamlFile(join(POLICIES_DIR, 'gatekeeper/serviceentry-exportto-template.yaml'))).toHaveLength(1);
  });

  it('names the template after its kind, lower-cased, and uses that as the rego package', () => {
    expect(spec.crd.spec.names.kind).toBe('K8sIstioServiceEntryExportTo');
    expect(template!.metadata.name).toBe('k8sistioserviceentryexportto');
    expect(rego).toMatch(/^package k8sistioserviceentryexportto$/m);
  });

  it('has one admission target with violation rules returning msg', () => {
    expect(spec.targets).toHaveLength(1);
    expect(spec.targets[0]!.target).toBe('admission.k8s.gatekeeper.sh');
    expect(rego.match(/^violation\[\{"msg": msg\}\] \{$/gm)).toHaveLength(2);
  });

  it('declares sharedNamespaces as a string list and reads it from input.parameters', () => {
    expect(spec.crd.spec.validation.openAPIV3Schema.properties.sharedNamespaces).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(rego).toContain('"sharedNamespaces"');
    expect(rego).toContain('object.get(input, "parameters", {})');
  });

  it('checks the three Istio kinds of networking.istio.io, a missing or empty exportTo and "*"', () => {
    expect(rego).toContain('input.review.kind.group == "networking.istio.io"');
    expect(rego).toContain('{"ServiceEntry", "VirtualService", "DestinationRule"}');
    expect(rego).toContain('count(input.review.object.spec.exportTo) > 0');
    expect(rego).toContain('input.review.object.spec.exportTo[_] == "*"');
  });

  it('has balanced braces and brackets (a cheap syntax guard)', () => {
    const count = (char: string) => rego.split(char).length - 1;
    expect(count('{')).toBe(count('}'));
    expect(count('[')).toBe(count(']'));
    expect(count('(')).toBe(count(')'));
  });
});

describe('Gatekeeper constraint', () => {
  const constraint = (overlay: string) => findManifest(renderOverlay(overlay), 'K8sIstioServiceEntryExportTo', 'istio-exportto-explicit').spec as {
    enforcementAction: string;
    match: { kinds: Array<{ apiGroups: string[]; kinds: string[] }> };
    parameters: { sharedNamespaces: string[] };
  };

  it('matches the template kind and the three Istio kinds', () => {
    expect(constraint('enforce/gatekeeper').match.kinds).toEqual([{ apiGroups: ['networking.istio.io'], kinds: ['ServiceEntry', 'VirtualService', 'DestinationRule'] }]);
    expect(constraint('enforce/gatekeeper').parameters.sharedNamespaces).toEqual([]);
  });

  it('denies in enforce and only reports (dryrun) in audit', () => {
    expect(constraint('enforce/gatekeeper').enforcementAction).toBe('deny');
    expect(constraint('audit/gatekeeper').enforcementAction).toBe('dryrun');
  });
});
