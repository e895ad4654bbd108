/**
 * Validates a value against a CustomResourceDefinition's structural OpenAPI schema the way
 * the Kubernetes API server does before it stores a custom resource: types, enums, bounds,
 * required fields, list types, value validations (oneOf/anyOf/not) and the CEL rules of
 * `x-kubernetes-validations`, evaluated with @bufbuild/cel. Unknown fields are pruned by the
 * API server, not refused, so they pass; null fields are pruned unless `nullable`.
 *
 * Cost is linear in the value: each node is visited once against its schema, and each CEL
 * rule runs once per node it sits on. The rules of the vendored Istio CRDs run as plain
 * functions with the same results (crd-rules.ts, checked against CEL by property): the CEL
 * runtime costs most of a small scan's start-up, and the one quadratic rule (unique port
 * numbers, `self.all(l1, self.exists_one(...))`) becomes a set check. Other rules use CEL.
 */
import type * as Cel from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';
import type * as CelExt from '@bufbuild/cel/ext';
import { EQUIVALENT_RULES, type Evaluator } from './crd-rules.js';
import { loadOnFirstUse } from '../../load-on-first-use.js';
import { setOwnProperty } from '../../records.js';

export interface KubeValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
}

export interface KubeSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, KubeSchema>;
  additionalProperties?: KubeSchema | boolean;
  items?: KubeSchema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  oneOf?: KubeSchema[];
  anyOf?: KubeSchema[];
  allOf?: KubeSchema[];
  not?: KubeSchema;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: KubeValidationRule[];
}

export interface SchemaViolation {
  /** Field path in the API server's notation, e.g. spec.ports[1].number. */
  path: string;
  message: string;
  /** 'cel' when an x-kubernetes-validations rule failed. */
  kind: 'schema' | 'cel';
  rule?: string;
}

const evaluators = new Map<string, Evaluator>();

/**
 * @bufbuild/cel (with protobuf, about 130 modules) is loaded when the first rule without a
 * plain-function equivalent (crd-rules.ts) is compiled, not at start-up (docs/performance.md
 * "Start-up"). Its CommonJS build, so that require() loads it synchronously.
 */
let celRuntime: { cel: typeof Cel; environment: ReturnType<typeof Cel.celEnv> } | undefined;
function loadCel(): NonNullable<typeof celRuntime> {
  if (!celRuntime) {
    const cel = loadOnFirstUse<typeof Cel>('@bufbuild/cel');
    const { strings } = loadOnFirstUse<typeof CelExt>('@bufbuild/cel/ext');
    celRuntime = { cel, environment: cel.celEnv({ funcs: strings }) };
  }
  return celRuntime;
}

/** A CEL rule compiled once; an evaluation error counts as a failed rule, as in the API server. */
export function celEvaluator(rule: string): Evaluator {
  let evaluator = evaluators.get(rule);
  if (evaluator) return evaluator;
  const { cel, environment } = loadCel();
  let program: ((bindings: Record<string, CelInput>) => unknown) | undefined;
  try {
    program = cel.plan(environment, cel.parse(rule)) as (bindings: Record<string, CelInput>) => unknown;
  } catch {
    program = undefined;
  }
  evaluator = (self) => {
    if (!program) return false;
    const result = program({ self: self as CelInput });
    return !cel.isCelError(result) && result === true;
  };
  evaluators.set(rule, evaluator);
  return evaluator;
}

export function evaluateRule(rule: string, self: unknown): boolean {
  return (EQUIVALENT_RULES[rule] ?? celEvaluator(rule))(self);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(schema: KubeSchema, value: unknown): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
  switch (schema.type) {
    case undefined:
      return true;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return typeof value === schema.type;
  }
}

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) patterns.set(source, (pattern = new RegExp(source, 'u')));
  return pattern;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0xdc00 || code > 0xdfff) count += 1; // a low surrogate belongs to the code point before it
  }
  return count;
}

function scalarKey(value: unknown): string {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : `${typeof value}:${String(value)}`;
}

/**
 * Where a node sits, as a chain to its parent: the string (spec.ports[1].number) is written only
 * for a violation, not at each of the thousands of nodes a valid object has.
 */
type Path = string | { parent: Path; key: string | number; form: 'field' | 'index' | 'entry' };

function pathText(path: Path): string {
  if (typeof path === 'string') return path;
  const parent = pathText(path.parent);
  if (path.form === 'field') return parent ? `${parent}.${path.key}` : String(path.key);
  return `${parent}[${path.form === 'index' ? path.key : JSON.stringify(path.key)}]`;
}

function violation(path: Path, message: string): SchemaViolation {
  return { path: pathText(path), message, kind: 'schema' };
}

/** The first violation of `value` against `schema`, or undefined. `value` must not be null-pruned yet. */
export function validateSchema(value: unknown, schema: KubeSchema, path: string): SchemaViolation | undefined {
  return validateAt(value, schema, path);
}

function validateAt(value: unknown, schema: KubeSchema, path: Path): SchemaViolation | undefined {
  if (value === null) {
    return schema.nullable ? undefined : violation(path, 'must not be null');
  }
  if (!typeMatches(schema, value)) {
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer or string' : schema.type!;
    return violation(path, `must be of type ${expected}, not ${typeName(value)}`);
  }
  if (schema.enum && !schema.enum.includes(value)) return violation(path, `must be one of ${schema.enum.map((entry) => JSON.stringify(entry)).join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) return violation(path, `must be ${schema.exclusiveMinimum ? 'greater than' : 'at least'} ${schema.minimum}`);
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) return violation(path, `must be ${schema.exclusiveMaximum ? 'less than' : 'at most'} ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) return violation(path, `may not be longer than ${schema.maxLength} characters`);
    if (schema.minLength !== undefined && codePoints(value) < schema.minLength) return violation(path, `must be at least ${schema.minLength} characters long`);
    if (schema.pattern !== undefined && !patternOf(schema.pattern).test(value)) return violation(path, `must match the pattern ${schema.pattern}`);
    if (schema.format === 'byte' && !BASE64.test(value)) return violation(path, 'must be base64 (format byte)');
  }
  if (Array.isArray(value)) {
    const found = validateArray(value, schema, path);
    if (found) return found;
  } else if (typeof value === 'object') {
    const found = validateObject(value as Record<string, unknown>, schema, path);
    if (found) return found;
  }
  for (const [keyword, alternatives] of [['oneOf', schema.oneOf], ['anyOf', schema.anyOf]] as const) {
    if (!alternatives) continue;
    const matching = alternatives.filter((alternative) => validateAt(value, alternative, path) === undefined).length;
    if (keyword === 'oneOf' ? matching !== 1 : matching === 0) return violation(path, keyword === 'oneOf' ? 'must set exactly one of its alternative fields' : 'matches none of its allowed forms');
  }
  for (const part of schema.allOf ?? []) {
    const found = validateAt(value, part, path);
    if (found) return found;
  }
  if (schema.not && validateAt(value, schema.not, path) === undefined) return violation(path, 'sets fields that must not be set together');
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (!evaluateRule(rule.rule, value)) return { path: pathText(path), message: rule.message ?? `failed rule: ${rule.rule}`, kind: 'cel', rule: rule.rule };
  }
  return undefined;
}

function validateArray(value: unknown[], schema: KubeSchema, path: Path): SchemaViolation | undefined {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return violation(path, `must have at most ${schema.maxItems} items`);
  if (schema.minItems !== undefined && value.length < schema.minItems) return violation(path, `must have at least ${schema.minItems} items`);
  if (schema.items) {
    for (let index = 0; index < value.length; index += 1) {
      const found = validateAt(value[index], schema.items, { parent: path, key: index, form: 'index' });
      if (found) return found;
    }
  }
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index];
      const key = listType === 'set' ? scalarKey(item) : keys.map((name) => scalarKey((item as Record<string, unknown>)[name])).join('\u0000');
      if (seen.has(key)) return violation({ parent: path, key: index, form: 'index' }, listType === 'set' ? 'duplicate entry' : `duplicate entry with the same ${keys.join(', ')}`);
      seen.add(key);
    }
  }
  return undefined;
}

/** A field that counts as set: not null, unless its schema allows null. */
function isPresent(value: Record<string, unknown>, key: string, schema: KubeSchema): boolean {
  return value[key] !== null || Boolean(schema.properties?.[key]?.nullable);
}

function validateObject(value: Record<string, unknown>, schema: KubeSchema, path: Path): SchemaViolation | undefined {
  const keys = Object.keys(value);
  if (schema.maxProperties !== undefined || schema.minProperties !== undefined) {
    let present = 0;
    for (const key of keys) if (isPresent(value, key, schema)) present += 1;
    if (schema.maxProperties !== undefined && present > schema.maxProperties) return violation(path, `must have at most ${schema.maxProperties} entries`);
    if (schema.minProperties !== undefined && present < schema.minProperties) return violation(path, `must have at least ${schema.minProperties} entries`);
  }
  for (const name of schema.required ?? []) {
    if (value[name] === undefined || value[name] === null) return violation({ parent: path, key: name, form: 'field' }, 'is required');
  }
  for (const key of keys) {
    if (!isPresent(value, key, schema)) continue;
    const property = schema.properties?.[key];
    if (property) {
      const found = validateAt(value[key], property, { parent: path, key, form: 'field' });
      if (found) return found;
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      const found = validateAt(value[key], schema.additionalProperties, { parent: path, key, form: 'entry' });
      if (found) return found;
    }
    // Other unknown fields are pruned by the API server, not refused.
  }
  return undefined;
}

/**
 * The value as the API server holds it after pruning: null fields of objects removed (unless
 * nullable is meant). Parts without a null field are returned as they are, not copied: most
 * objects have none, and copying every spec cost about 0.1 s of admission on the large fleet.
 * Nothing downstream writes to the result.
 */
export function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index];
      const pruned = withoutNullFields(item);
      if (out) out.push(pruned);
      else if (pruned !== item) out = [...value.slice(0, index), pruned];
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let out: Record<string, unknown> | undefined;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index]!;
      const entry = record[key];
      const pruned = entry === null ? null : withoutNullFields(entry);
      if (!out && (entry === null || pruned !== entry)) {
        out = {};
        for (const earlier of keys.slice(0, index)) setOwnProperty(out, earlier, record[earlier]);
      }
      if (out && pruned !== null) setOwnProperty(out, key, pruned);
    }
    return out ?? value;
  }
  return value;
}
