/**
 * Every manifest in policies/ validates against the OpenAPI schema of its kind (vendored
 * in test/fixtures/crd-schemas/, see the README there), and every file is reachable from
 * a kustomization, so `kubectl apply -k` ships all of it.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { POLICIES_DIR, REPO_ROOT, listYamlFiles, loadYamlFile, renderKustomization, type Manifest } from './kit.js';

const SCHEMA_DIR = join(REPO_ROOT, 'test/fixtures/crd-schemas');

function loadSchema(file: string): Record<string, unknown> {
  return parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
}

function newAjv(): Ajv2020 {
  // strictRequired off: the CRDs use `not: { required: [a, b] }` (mutually exclusive fields).
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  // ajv-formats ships CommonJS; under ESM its function is the default export.
  addFormats.default(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (value: number) => Number.isInteger(value) && Math.abs(value) < 2 ** 31 });
  // Kubernetes structural-schema extensions: meaningful to the API server, not to JSON Schema.
  for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type']) {
    ajv.addKeyword({ keyword });
  }
  return ajv;
}

const ajv = newAjv();
const admissionDefs = loadSchema('admissionregistration-v1.subset.yaml');
const validators: Record<string, ValidateFunction> = {
  ClusterPolicy: ajv.compile(loadSchema('kyverno-clusterpolicy-v1.subset.yaml')),
  ConstraintTemplate: ajv.compile(loadSchema('gatekeeper-constrainttemplate-v1.yaml')),
  ValidatingAdmissionPolicy: ajv.compile({ ...admissionDefs, $ref: '#/$defs/ValidatingAdmissionPolicy' }),
  ValidatingAdmissionPolicyBinding: ajv.compile({ ...admissionDefs, $ref: '#/$defs/ValidatingAdmissionPolicyBinding' }),
};

/** A constraint's schema is the generic constraint schema with the template's parameters schema, as Gatekeeper generates it. */
function constraintValidator(template: Manifest): ValidateFunction {
  const schema = structuredClone(loadSchema('gatekeeper-constraint-match.yaml')) as { properties: { spec: { properties: Record<string, unknown> } } };
  const spec = template.spec as { crd: { spec: { validation: { openAPIV3Schema: Record<string, unknown> } } } };
  schema.properties.spec.properties.parameters = { ...spec.crd.spec.validation.openAPIV3Schema, additionalProperties: false };
  return newAjv().compile(schema);
}

const policyFiles = listYamlFiles(POLICIES_DIR).filter((file) => !file.endsWith('kustomization.yaml'));
const allManifests = policyFiles.flatMap((file) => loadYamlFile(join(REPO_ROOT, file)).map((manifest) => ({ file, manifest })));
const templates = allManifests.filter(({ manifest }) => manifest.kind === 'ConstraintTemplate').map(({ manifest }) => manifest);

function validatorFor(manifest: Manifest): ValidateFunction | undefined {
  if (manifest.apiVersion.startsWith('constraints.gatekeeper.sh/')) {
    const template = templates.find((candidate) => (candidate.spec as { crd: { spec: { names: { kind: string } } } }).crd.spec.names.kind === manifest.kind);
    if (!template) throw new Error(`constraint ${manifest.kind}/${manifest.metadata.name} has no ConstraintTemplate in policies/`);
    return constraintValidator(template);
  }
  return validators[manifest.kind];
}

function errorsOf(validate: ValidateFunction, manifest: unknown): string {
  validate(manifest);
  return ajv.errorsText(validate.errors, { separator: '\n' });
}

/** Kinds the kit ships without a vendored CRD schema: checked for identity only. */
const PLAIN_KINDS = new Set(['Sidecar', 'AuthorizationPolicy', 'PeerAuthentication', 'ResourceQuota', 'ClusterRole', 'Config']);

describe('policy manifests match their CRD / API schemas', () => {
  it('finds the kit', () => {
    expect(policyFiles.length).toBeGreaterThanOrEqual(9);
  });

  it.each(allManifests.map(({ file, manifest }) => [`${file}: ${manifest.kind}/${manifest.metadata.name}`, manifest] as const))('%s', (_label, manifest) => {
    const validate = validatorFor(manifest);
    if (validate) {
      const valid = validate(manifest);
      expect(valid ? '' : ajv.errorsText(validate.errors, { separator: '\n' })).toBe('');
    } else {
      expect(PLAIN_KINDS.has(manifest.kind)).toBe(true);
      expect(typeof manifest.metadata.name).toBe('string');
    }
  });
});

describe('the schemas reject broken policies (the check above can fail)', () => {
  const kyverno = allManifests.find(({ manifest }) => manifest.metadata.name === 'istio-require-explicit-exportto')!.manifest;
  const binding = allManifests.find(({ manifest }) => manifest.kind === 'ValidatingAdmissionPolicyBinding')!.manifest;
  const template = templates[0]!;
  const constraint = allManifests.find(({ manifest }) => manifest.apiVersion.startsWith('constraints.gatekeeper.sh/'))!.manifest;

  it('Kyverno: unknown validationFailureAction', () => {
    const broken = structuredClone(kyverno) as Manifest & { spec: Record<string, unknown> };
    broken.spec.validationFailureAction = 'Block';
    expect(errorsOf(validators.ClusterPolicy!, broken)).toMatch(/allowed values/);
  });

  it('Kyverno: misspelled rule field', () => {
    const broken = structuredClone(kyverno) as Manifest & { spec: { rules: Array<Record<string, unknown>> } };
    broken.spec.rules[0]!.validation = broken.spec.rules[0]!.validate;
    expect(errorsOf(validators.ClusterPolicy!, broken)).toMatch(/additional properties/);
  });

  it('VAP binding: unknown validation action', () => {
    const broken = structuredClone(binding) as Manifest & { spec: Record<string, unknown> };
    broken.spec.validationActions = ['Reject'];
    expect(errorsOf(validators.ValidatingAdmissionPolicyBinding!, broken)).toMatch(/allowed values/);
  });

  it('ConstraintTemplate: targets must be a list', () => {
    const broken = structuredClone(template) as Manifest & { spec: Record<string, unknown> };
    broken.spec.targets = { target: 'admission.k8s.gatekeeper.sh' };
    expect(errorsOf(validators.ConstraintTemplate!, broken)).toMatch(/must be array/);
  });

  it('constraint: parameters outside the template schema', () => {
    const broken = structuredClone(constraint) as Manifest & { spec: { parameters: Record<string, unknown> } };
    broken.spec.parameters.sharedNamespace = ['typo'];
    expect(errorsOf(constraintValidator(template), broken)).toMatch(/additional properties/);
  });
});

describe('kustomize layout', () => {
  const kustomizationDirs = listYamlFiles(POLICIES_DIR)
    .filter((file) => file.endsWith('kustomization.yaml'))
    .map((file) => join(REPO_ROOT, file, '..'));

  it.each(kustomizationDirs.map((dir) => [dir.slice(REPO_ROOT.length + 1), dir]))('%s renders', (_label, dir) => {
    expect(renderKustomization(dir).length).toBeGreaterThan(0);
  });

  it('every policy file is shipped by some kustomization', () => {
    const referenced = new Set<string>();
    for (const dir of kustomizationDirs) {
      const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
      for (const resource of kustomization.resources ?? []) referenced.add(join(dir, resource).slice(REPO_ROOT.length + 1));
    }
    expect(policyFiles.filter((file) => !referenced.has(file))).toEqual([]);
  });
});
