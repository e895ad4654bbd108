/**
 * Would the API server admit this object? Offline manifests have not been through it, so an
 * object it rejects must not be modelled as live (it would invent or hide exposure). Three
 * checks, first failure wins:
 *  1. object metadata as the API server validates it for every kind (apimachinery
 *     ValidateObjectMeta: name, label keys and values, annotation size);
 *  2. the Istio CRD's OpenAPI schema and its x-kubernetes-validations CEL rules, vendored from
 *     Istio (istio-crd-schemas.gen.ts) and evaluated with @bufbuild/cel (kube-schema.ts);
 *  3. Istio's validating webhook checks the CRD cannot express (istio-webhook.ts).
 * Objects read from a live cluster were admitted already and are not checked here.
 */
import { rawMetadata } from '../build.js';
import type { K8sObject } from '../types.js';
import { ISTIO_CRD_SCHEMAS, ISTIO_CRD_VERSION } from './istio-crd-schemas.gen.js';
import { istioWebhookError } from './istio-webhook.js';
import { validateSchema, withoutNullFields } from './kube-schema.js';

export { ISTIO_CRD_SOURCE, ISTIO_CRD_VERSION } from './istio-crd-schemas.gen.js';

export interface AdmissionRejection {
  /** Who rejects it: the API server (metadata, CRD schema or CEL rule) or Istio's webhook. */
  by: 'metadata' | 'crd-schema' | 'crd-rule' | 'istio-webhook';
  message: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/** apimachinery validation.IsQualifiedName: optional DNS-subdomain prefix (<= 253) and a name (<= 63). */
function qualifiedNameError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? '' : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return `key "${key}" has an invalid prefix (a DNS subdomain of at most 253 characters)`;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return `key "${key}" is not a valid name (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`;
  return undefined;
}

/** apimachinery ValidateObjectMeta and ValidateLabels/ValidateAnnotations, for every kind. */
function metadataRejection(object: K8sObject, raw: Record<string, unknown> | undefined): string | undefined {
  const name = object.metadata.name;
  if (RBAC_KINDS.has(object.snapshotKind)) {
    // rbac ValidateRBACName: any path segment name (system:aggregate-to-admin is fine).
    if (name === '.' || name === '..' || /[/%]/.test(name)) return `metadata.name "${name}" may not be '.', '..' or contain '/' or '%'`;
  } else if (object.snapshotKind === 'Service' ? name.length > 63 || !DNS1035_LABEL.test(name) : name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    // Services are DNS-1035 labels (they become DNS names), Namespaces DNS-1123 labels (build.ts), everything else DNS-1123 subdomains.
    return `metadata.name "${name.length > 80 ? `${name.slice(0, 80)}...` : name}" is not a valid ${object.snapshotKind === 'Service' ? 'DNS-1035 label (at most 63 characters)' : 'DNS-1123 subdomain (at most 253 characters)'}`;
  }
  const labels = raw?.labels ?? {};
  if (typeof labels === 'object' && labels !== null) {
    for (const [key, value] of Object.entries(labels)) {
      const keyError = qualifiedNameError(key);
      if (keyError) return `metadata.labels: ${keyError}`;
      if (typeof value !== 'string') return `metadata.labels.${key} must be a string (YAML reads unquoted yes/no/on/off and numbers as other types; quote it)`;
      if (value.length > 63 || !LABEL_VALUE.test(value)) return `metadata.labels.${key}: value "${value.length > 80 ? `${value.slice(0, 80)}...` : value}" is not a valid label value (at most 63 alphanumerics, '-', '_' or '.')`;
    }
  }
  const annotations = raw?.annotations ?? {};
  if (typeof annotations === 'object' && annotations !== null) {
    let bytes = 0;
    for (const [key, value] of Object.entries(annotations)) {
      const keyError = qualifiedNameError(key);
      if (keyError) return `metadata.annotations: ${keyError}`;
      if (typeof value !== 'string') return `metadata.annotations.${key} must be a string`;
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (bytes > TOTAL_ANNOTATION_BYTES) return `metadata.annotations: total size ${bytes} bytes exceeds the ${TOTAL_ANNOTATION_BYTES}-byte limit`;
  }
  return undefined;
}

const cache = new WeakMap<K8sObject, AdmissionRejection | null>();

/** Why the API server (or Istio's webhook) would reject the object, or undefined when it would admit it. */
export function admissionRejection(object: K8sObject): AdmissionRejection | undefined {
  const cached = cache.get(object);
  if (cached !== undefined) return cached ?? undefined;
  const rejection = computeRejection(object);
  cache.set(object, rejection ?? null);
  return rejection;
}

// The spec is checked before the metadata: a spec rejection sets the object aside, a metadata-only
// one does not (see validate.ts), so it must not hide a spec rejection.
function computeRejection(object: K8sObject): AdmissionRejection | undefined {
  const schema = ISTIO_CRD_SCHEMAS[object.snapshotKind];
  if (schema) {
    const violation = validateSchema(withoutNullFields({ spec: object.spec }), schema, '');
    if (violation) return { by: violation.kind === 'cel' ? 'crd-rule' : 'crd-schema', message: `${violation.path || 'spec'}: ${violation.message}` };
    const webhook = istioWebhookError(object);
    if (webhook) return { by: 'istio-webhook', message: webhook };
  }
  const metadata = metadataRejection(object, rawMetadata.get(object));
  return metadata ? { by: 'metadata', message: metadata } : undefined;
}

/** Words for the finding: who rejects the object, with the Istio version of the rules. */
export function describeRejection(rejection: AdmissionRejection): string {
  switch (rejection.by) {
    case 'metadata':
      return `the API server rejects it: ${rejection.message}`;
    case 'crd-schema':
      return `the API server rejects it (Istio ${ISTIO_CRD_VERSION} CRD schema): ${rejection.message}`;
    case 'crd-rule':
      return `the API server rejects it (Istio ${ISTIO_CRD_VERSION} CRD validation rule): ${rejection.message}`;
    case 'istio-webhook':
      return `Istio's validating webhook rejects it: ${rejection.message}`;
  }
}
