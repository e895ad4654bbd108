/**
 * Decides which objects the rules may trust. Two reasons to set an object aside, both
 * reported as `resource-invalid` (rules.md "Coverage and input"):
 *  - schema: a field the rules read has the wrong type (e.g. `exportTo: "."`). The API
 *    server would have rejected it, so in a manifest folder it is a broken file, and on a
 *    live cluster it cannot be what Istio applies.
 *  - status: Istio (or its analyzers) reported the object as not applied: a condition of
 *    type Reconciled/Accepted with status "False", or a validation message of level ERROR
 *    (IstioStatus: `conditions[]` and `validationMessages[]` with `level`).
 */
import { admissionRejection, describeRejection } from './admission/index.js';
// ajv's code for the schemas of schemas/index.ts, generated ahead of time: compiling them at
// run time cost most of a small scan's start-up (docs/performance.md "Start-up").
import { KIND_VALIDATORS } from './schemas/validators.gen.js';
import { KIND_SCHEMAS } from './schemas/index.js';
import type { InputProblem, K8sObject, SnapshotKind } from './types.js';

function describe(object: K8sObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function refOf(object: K8sObject): NonNullable<InputProblem['resource']> {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}

/**
 * What a kind's schema is applied to. A schema describes the object as written (`{ spec, ...body }`);
 * most only look at the root's `spec`, or only at root fields that live in `body` (RBAC rules,
 * subjects, ConfigMap data), and no schema constrains the root beyond its properties. Such a
 * schema gives the same verdict and error path on the K8sObject itself (whose `spec` is the same)
 * or on `body`, so the object is not copied (schemaProblem runs on every object of every scan).
 */
type SchemaTarget = 'object' | 'body' | 'copy';

function schemaTargetOf(kind: SnapshotKind): SchemaTarget {
  const schema = KIND_SCHEMAS[kind];
  if (!schema || schema.type !== 'object' || Object.keys(schema).some((key) => key !== 'type' && key !== 'properties')) return 'copy';
  const properties = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  if (properties.every((name) => name === 'spec')) return 'object';
  if (!properties.includes('spec')) return 'body';
  return 'copy';
}

const SCHEMA_TARGETS = new Map((Object.keys(KIND_SCHEMAS) as SnapshotKind[]).map((kind) => [kind, schemaTargetOf(kind)]));

function schemaInput(object: K8sObject): unknown {
  const target = SCHEMA_TARGETS.get(object.snapshotKind) ?? 'copy';
  return target === 'object' ? object : target === 'body' ? object.body : { spec: object.spec, ...object.body };
}

/** Wrong field types, or undefined when the object's fields have the shapes the rules expect. */
export function schemaProblem(object: K8sObject): InputProblem | undefined {
  const validate = KIND_VALIDATORS[object.snapshotKind];
  if (!validate) return undefined;
  if (validate(schemaInput(object))) return undefined;
  const error = validate.errors?.[0];
  const path = (error?.instancePath ?? '').replace(/^\//, '').split('/').join('.') || '(root)';
  return {
    type: 'schema',
    message: `${describe(object)}: ${path} ${error?.message ?? 'is invalid'}; the object is ignored for exposure`,
    source: object.source,
    resource: refOf(object),
  };
}

const NEGATIVE_CONDITION_TYPES = new Set(['Reconciled', 'Accepted']);

/** A negative status condition or an ERROR validation message, or undefined. */
export function statusProblem(object: K8sObject): InputProblem | undefined {
  const status = object.status;
  if (!status) return undefined;
  const reasons: string[] = [];
  if (Array.isArray(status.conditions)) {
    for (const condition of status.conditions as Array<Record<string, unknown>>) {
      if (condition && NEGATIVE_CONDITION_TYPES.has(String(condition.type)) && condition.status === 'False') {
        reasons.push(`condition ${String(condition.type)}=False${condition.message ? ` (${String(condition.message)})` : condition.reason ? ` (${String(condition.reason)})` : ''}`);
      }
    }
  }
  if (Array.isArray(status.validationMessages)) {
    for (const message of status.validationMessages as Array<Record<string, unknown>>) {
      if (message && message.level === 'ERROR') {
        const type = (message.type ?? {}) as Record<string, unknown>;
        reasons.push(`validation error ${[type.code, type.name].filter(Boolean).map(String).join(' ')}`.trim());
      }
    }
  }
  if (reasons.length === 0) return undefined;
  return {
    type: 'status',
    message: `${describe(object)} was not applied by Istio: ${reasons.join('; ')}; the object is ignored for exposure`,
    source: object.source,
    resource: refOf(object),
  };
}

/**
 * An object the API server or Istio's validating webhook would reject (src/snapshot/admission):
 * a manifest that never becomes live. Only for offline input; a live object was admitted.
 */
export function admissionProblem(object: K8sObject): InputProblem | undefined {
  const rejection = admissionRejection(object);
  if (!rejection) return undefined;
  const consequence = rejection.by === 'metadata' ? 'fix it to apply the object; its spec is still evaluated as written' : 'the object is ignored for exposure';
  return {
    type: 'schema',
    message: `${describe(object)}: ${describeRejection(rejection)}; ${consequence}`,
    source: object.source,
    resource: refOf(object),
  };
}

/**
 * True when the API server rejects the object only for its metadata (a name such as `se_a`, a
 * label value): the spec is valid and says what the object configures once it is named validly,
 * so the rules still evaluate it (upstream fixtures, e.g. Kiali's, use such names), and
 * resource-invalid reports the name. A spec rejection sets the object aside.
 */
function rejectedOnlyForMetadata(object: K8sObject): boolean {
  return admissionRejection(object)?.by === 'metadata';
}

/**
 * Why partitionValidObjects sets aside an object of an admitted source (live: no admission
 * checks), or undefined when the rules may use it. The live collector asks as each page arrives.
 */
export function admittedObjectProblem(object: K8sObject): InputProblem | undefined {
  return schemaProblem(object) ?? statusProblem(object);
}

/** Splits objects into those the rules may use and problems for the rest. Order is kept. */
export function partitionValidObjects(objects: K8sObject[], options: { admission?: boolean } = {}): { valid: K8sObject[]; problems: InputProblem[] } {
  const valid: K8sObject[] = [];
  const problems: InputProblem[] = [];
  for (const object of objects) {
    const schema = schemaProblem(object);
    const admission = schema ? undefined : options.admission ? admissionProblem(object) : undefined;
    const problem = schema ?? admission ?? statusProblem(object);
    if (problem) problems.push(problem);
    if (!problem || (admission && rejectedOnlyForMetadata(object) && !statusProblem(object))) valid.push(object);
  }
  return { valid, problems };
}
