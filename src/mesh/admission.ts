/**
 * Recognises admission controls that reject (or fix) ServiceEntries without an explicit,
 * non-wildcard `exportTo`, by what they do rather than what they are called:
 *
 *  - Kyverno ClusterPolicy: a rule matching ServiceEntry whose `validate` or `mutate`
 *    block mentions `exportTo`. Validate rules enforce when the rule's `failureAction`
 *    (Kyverno 1.13+) or else the policy's `validationFailureAction` is Enforce (default
 *    Audit); mutate rules fix the object at admission. `spec.admission: false` means
 *    background scans only. Namespaced Kyverno `Policy` objects only cover their own
 *    namespace, so they are listed but do not protect the cluster.
 *  - Gatekeeper constraint (Azure Policy for Kubernetes assignments appear as these)
 *    matching networking.istio.io ServiceEntry, whose ConstraintTemplate's code mentions
 *    `exportTo`. `enforcementAction` defaults to deny; dryrun/warn are audit only; `scoped`
 *    enforces when a scoped action is deny at the validation.gatekeeper.sh point.
 *  - ValidatingAdmissionPolicy matching serviceentries on CREATE/UPDATE whose validations
 *    mention `exportTo`, bound by a ValidatingAdmissionPolicyBinding whose
 *    `validationActions` include Deny (Warn/Audit only: audit). An unbound VAP does nothing.
 * References: https://kyverno.io/docs/writing-policies/validate/,
 * https://open-policy-agent.github.io/gatekeeper/website/docs/violations/,
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { isRecord } from '../records.js';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function mentionsExportTo(value: unknown): boolean {
  return value !== undefined && JSON.stringify(value).includes('exportTo');
}

const ISTIO_GROUP = 'networking.istio.io';

export type AdmissionMechanism = 'kyverno' | 'gatekeeper' | 'validating-admission-policy';
export type AdmissionMode = 'enforce' | 'audit';

export interface AdmissionControl {
  mechanism: AdmissionMechanism;
  mode: AdmissionMode;
  /** The object that carries the control (ClusterPolicy, constraint, VAP). */
  object: K8sObject;
  /** Rule names (Kyverno), binding names (VAP). */
  parts: string[];
  /** False for namespaced Kyverno Policies: they do not protect other namespaces. */
  clusterWide: boolean;
  /** False when the engine reports it could not install the control (Kyverno Ready=False): it enforces nothing. */
  ready: boolean;
  notReadyReason?: string;
  detail: string;
}

/**
 * Kyverno reports a policy it could not turn into webhook configuration with the condition
 * `Ready=False` (older releases: `status.ready: false`). Such a policy admits everything.
 */
export function kyvernoNotReadyReason(policy: K8sObject): string | undefined {
  const status = policy.status;
  if (!isRecord(status)) return undefined;
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  const ready = conditions.find((condition) => condition.type === 'Ready');
  if (ready && ready.status === 'False') return `Ready=False${ready.message ? ` (${String(ready.message)})` : ready.reason ? ` (${String(ready.reason)})` : ''}`;
  if (!ready && status.ready === false) return 'status.ready=false';
  return undefined;
}

/** Kyverno kind strings: `ServiceEntry`, `v1/ServiceEntry`, `networking.istio.io/v1/ServiceEntry`, `*\/ServiceEntry`, `*`. */
export function kyvernoKindMatchesServiceEntry(kind: string): boolean {
  const parts = kind.split('/');
  const name = parts[parts.length - 1];
  if (name !== 'ServiceEntry' && name !== '*') return false;
  if (parts.length === 3) return parts[0] === '*' || parts[0] === ISTIO_GROUP;
  return true;
}

/** One field of `resources` across a Kyverno match/exclude block: `any`/`all` filters, or the legacy top-level `resources`. */
function kyvernoMatchResourceField(match: unknown, field: 'kinds' | 'namespaces'): string[] {
  if (!isRecord(match)) return [];
  const values: string[] = [];
  const collect = (filter: unknown): void => {
    if (isRecord(filter) && isRecord(filter.resources)) values.push(...strings(filter.resources[field]));
  };
  collect(match);
  for (const key of ['any', 'all']) if (Array.isArray(match[key])) (match[key] as unknown[]).forEach(collect);
  return values;
}

function kyvernoMatchKinds(match: unknown): string[] {
  return kyvernoMatchResourceField(match, 'kinds');
}

function kyvernoRules(policy: K8sObject): Record<string, unknown>[] {
  return Array.isArray(policy.spec.rules) ? policy.spec.rules.filter(isRecord) : [];
}

/** Names of the rules of a Kyverno policy that act on ServiceEntry exportTo. */
export function kyvernoExportToRules(policy: K8sObject): Array<{ name: string; kind: 'validate' | 'mutate'; mode: AdmissionMode }> {
  if (policy.spec.admission === false) return [];
  const policyAction = typeof policy.spec.validationFailureAction === 'string' ? policy.spec.validationFailureAction : 'Audit';
  const result: Array<{ name: string; kind: 'validate' | 'mutate'; mode: AdmissionMode }> = [];
  for (const rule of kyvernoRules(policy)) {
    if (!kyvernoMatchKinds(rule.match).some(kyvernoKindMatchesServiceEntry)) continue;
    const name = typeof rule.name === 'string' ? rule.name : '(unnamed)';
    if (isRecord(rule.validate) && mentionsExportTo(rule.validate)) {
      const action = typeof rule.validate.failureAction === 'string' ? rule.validate.failureAction : policyAction;
      result.push({ name, kind: 'validate', mode: action.toLowerCase() === 'enforce' ? 'enforce' : 'audit' });
    }
    if (isRecord(rule.mutate) && mentionsExportTo(rule.mutate)) result.push({ name, kind: 'mutate', mode: 'enforce' });
  }
  return result;
}

/** Position of the first template per `crd.spec.names.kind` and per name, for each template list (a constraint per tenant would otherwise scan every template). */
const templateIndexes = new WeakMap<K8sObject[], { byKind: Map<unknown, number>; byName: Map<string, number> }>();

/** The first template (in snapshot order) whose CRD kind is the constraint's kind or whose name is that kind lower-cased. */
function constraintTemplateFor(constraint: K8sObject, templates: K8sObject[]): K8sObject | undefined {
  let index = templateIndexes.get(templates);
  if (!index) {
    index = { byKind: new Map(), byName: new Map() };
    templates.forEach((template, position) => {
      const names = isRecord(template.spec.crd) && isRecord(template.spec.crd.spec) && isRecord(template.spec.crd.spec.names) ? template.spec.crd.spec.names : {};
      if (!index!.byKind.has(names.kind)) index!.byKind.set(names.kind, position);
      if (!index!.byName.has(template.metadata.name)) index!.byName.set(template.metadata.name, position);
    });
    templateIndexes.set(templates, index);
  }
  const position = Math.min(index.byKind.get(constraint.kind) ?? Infinity, index.byName.get(constraint.kind.toLowerCase()) ?? Infinity);
  return position === Infinity ? undefined : templates[position];
}

/** A constraint matches ServiceEntry when `match.kinds` is absent (all kinds) or lists networking.istio.io/ServiceEntry (or wildcards). */
export function constraintMatchesServiceEntry(constraint: K8sObject): boolean {
  const match = isRecord(constraint.spec.match) ? constraint.spec.match : {};
  if (!Array.isArray(match.kinds)) return true;
  return match.kinds.filter(isRecord).some((entry) => {
    const groups = strings(entry.apiGroups);
    const kinds = strings(entry.kinds);
    return (groups.includes('*') || groups.includes(ISTIO_GROUP)) && (kinds.includes('*') || kinds.includes('ServiceEntry'));
  });
}

/** Is this constraint about exportTo? By its template's code; without the template, by its own content or kind. */
export function constraintIsAboutExportTo(constraint: K8sObject, templates: K8sObject[]): boolean {
  const template = constraintTemplateFor(constraint, templates);
  if (template) return mentionsExportTo(template.spec.targets);
  return mentionsExportTo(constraint.spec) || constraint.kind.toLowerCase().includes('exportto');
}

export function constraintMode(constraint: K8sObject): AdmissionMode {
  const action = typeof constraint.spec.enforcementAction === 'string' ? constraint.spec.enforcementAction.toLowerCase() : 'deny';
  if (action === 'deny') return 'enforce';
  if (action !== 'scoped') return 'audit';
  const scoped = Array.isArray(constraint.spec.scopedEnforcementActions) ? constraint.spec.scopedEnforcementActions.filter(isRecord) : [];
  const denies = scoped.some((entry) => {
    if (String(entry.action).toLowerCase() !== 'deny') return false;
    const points = Array.isArray(entry.enforcementPoints) ? entry.enforcementPoints.filter(isRecord).map((point) => String(point.name)) : ['*'];
    return points.includes('*') || points.includes('validation.gatekeeper.sh');
  });
  return denies ? 'enforce' : 'audit';
}

function vapMatchesServiceEntryWrites(policy: K8sObject): boolean {
  const constraints = isRecord(policy.spec.matchConstraints) ? policy.spec.matchConstraints : {};
  const rules = Array.isArray(constraints.resourceRules) ? constraints.resourceRules.filter(isRecord) : [];
  return rules.some((rule) => {
    const groups = strings(rule.apiGroups);
    const resources = strings(rule.resources);
    const operations = strings(rule.operations);
    return (
      (groups.includes('*') || groups.includes(ISTIO_GROUP)) &&
      (resources.includes('*') || resources.includes('serviceentries')) &&
      (operations.includes('*') || operations.includes('CREATE') || operations.includes('UPDATE'))
    );
  });
}

/** Every admission control on ServiceEntry exportTo found in the snapshot. */
export function findExportToControls(snapshot: ClusterSnapshot): AdmissionControl[] {
  const controls: AdmissionControl[] = [];
  for (const policy of [...snapshot.objects.ClusterPolicy, ...snapshot.objects.Policy]) {
    const rules = kyvernoExportToRules(policy);
    if (rules.length === 0) continue;
    const mode = rules.some((rule) => rule.mode === 'enforce') ? 'enforce' : 'audit';
    const notReadyReason = kyvernoNotReadyReason(policy);
    controls.push({
      mechanism: 'kyverno',
      mode,
      object: policy,
      parts: rules.map((rule) => rule.name),
      clusterWide: policy.snapshotKind === 'ClusterPolicy',
      ready: notReadyReason === undefined,
      ...(notReadyReason ? { notReadyReason } : {}),
      detail: rules.map((rule) => `${rule.kind} rule ${rule.name} (${rule.mode})`).join(', '),
    });
  }
  for (const constraint of snapshot.objects.Constraint) {
    if (!constraintMatchesServiceEntry(constraint) || !constraintIsAboutExportTo(constraint, snapshot.objects.ConstraintTemplate)) continue;
    const mode = constraintMode(constraint);
    controls.push({ mechanism: 'gatekeeper', mode, object: constraint, parts: [], clusterWide: true, ready: true, detail: `enforcementAction ${String(constraint.spec.enforcementAction ?? 'deny (default)')}` });
  }
  // Bindings by policyName, in snapshot order: looked up per policy instead of a scan per policy.
  const bindingsByPolicy = new Map<string, K8sObject[]>();
  for (const binding of snapshot.objects.ValidatingAdmissionPolicyBinding) {
    if (typeof binding.spec.policyName !== 'string') continue;
    const list = bindingsByPolicy.get(binding.spec.policyName);
    if (list) list.push(binding);
    else bindingsByPolicy.set(binding.spec.policyName, [binding]);
  }
  for (const policy of snapshot.objects.ValidatingAdmissionPolicy) {
    if (!vapMatchesServiceEntryWrites(policy) || !mentionsExportTo(policy.spec.validations ?? policy.spec)) continue;
    const bindings = bindingsByPolicy.get(policy.metadata.name) ?? [];
    if (bindings.length === 0) continue;
    const denying = bindings.filter((binding) => strings(binding.spec.validationActions).includes('Deny'));
    controls.push({
      mechanism: 'validating-admission-policy',
      mode: denying.length > 0 ? 'enforce' : 'audit',
      object: policy,
      parts: (denying.length > 0 ? denying : bindings).map((binding) => binding.metadata.name),
      clusterWide: true,
      ready: true,
      detail: bindings.map((binding) => `binding ${binding.metadata.name} validationActions [${strings(binding.spec.validationActions).join(', ')}]`).join('; '),
    });
  }
  return controls;
}

export interface ExportToExemption {
  /** The PolicyException or the constraint with exclusions. */
  object: K8sObject;
  /** What is exempted from which control. */
  description: string;
  exemptedPolicy: string;
  namespaces: string[];
  /** Distinguishes several exemptions carried by one object (part of the finding's subject key). */
  aspect?: 'exclude' | 'audit-override' | 'namespaces';
}

function isEnforcing(action: unknown): boolean {
  return typeof action === 'string' && action.toLowerCase() === 'enforce';
}

/** Namespaces for which `validationFailureActionOverrides` / `failureActionOverrides` switch an enforcing rule to Audit. */
function auditOverrideNamespaces(overrides: unknown): string[] {
  if (!Array.isArray(overrides)) return [];
  return overrides.filter(isRecord).filter((entry) => typeof entry.action === 'string' && entry.action.toLowerCase() === 'audit').flatMap((entry) => strings(entry.namespaces));
}

/** Gatekeeper namespace matching: exact, or a single `*` at the start or end of the pattern. */
export function gatekeeperNamespaceMatches(pattern: string, namespace: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  return pattern === namespace;
}

/**
 * Exemptions from the exportTo controls: Kyverno PolicyExceptions naming one of their
 * rules, and Gatekeeper `match.excludedNamespaces` entries that `isReviewable` keeps (the
 * caller drops system namespaces, which are excluded on purpose).
 */
export function findExportToExemptions(
  snapshot: ClusterSnapshot,
  controls: AdmissionControl[],
  isReviewable: (namespace: string) => boolean,
  tenantNamespaces: readonly string[] = [],
): ExportToExemption[] {
  const exemptions: ExportToExemption[] = [];
  const kyverno = controls.filter((control) => control.mechanism === 'kyverno');
  // The first Kyverno control named `name` or `namespace/name`, as a search in order would find it.
  const kyvernoByName = new Map<string, AdmissionControl>();
  for (const control of kyverno) {
    const { name, namespace } = control.object.metadata;
    for (const key of [name, `${namespace}/${name}`]) if (!kyvernoByName.has(key)) kyvernoByName.set(key, control);
  }
  for (const exception of snapshot.objects.PolicyException) {
    const entries = Array.isArray(exception.spec.exceptions) ? exception.spec.exceptions.filter(isRecord) : [];
    for (const entry of entries) {
      const policyName = String(entry.policyName ?? '');
      const ruleNames = strings(entry.ruleNames);
      const control = kyvernoByName.get(policyName);
      if (!control) continue;
      const exempted = ruleNames.filter((rule) => rule === '*' || control.parts.includes(rule));
      if (exempted.length === 0) continue;
      const namespaces = kyvernoMatchNamespaces(exception.spec.match);
      exemptions.push({
        object: exception,
        exemptedPolicy: `${control.object.kind} ${policyName}`,
        namespaces,
        description: `PolicyException ${exception.metadata.namespace}/${exception.metadata.name} exempts rule(s) ${exempted.join(', ')} of ${control.object.kind} ${policyName}${namespaces.length > 0 ? ` in ${namespaces.join(', ')}` : ''}`,
      });
    }
  }
  // Exemptions written into the Kyverno policy itself: rule `exclude` blocks and Audit overrides per namespace.
  for (const control of kyverno.filter((candidate) => candidate.clusterWide)) {
    const policy = control.object;
    const label = `${policy.kind} ${policy.metadata.name}`;
    const rules = kyvernoRules(policy).filter((rule) => control.parts.includes(typeof rule.name === 'string' ? rule.name : '(unnamed)'));
    const excluded = [...new Set(rules.flatMap((rule) => kyvernoMatchNamespaces(rule.exclude)))].filter(isReviewable).sort();
    if (excluded.length > 0) {
      exemptions.push({ object: policy, exemptedPolicy: label, aspect: 'exclude', namespaces: excluded, description: `${label} excludes ServiceEntries in ${excluded.join(', ')} from its exportTo rule(s)` });
    }
    const policyEnforces = isEnforcing(policy.spec.validationFailureAction);
    const audited = rules.flatMap((rule) => {
      const validate = isRecord(rule.validate) ? rule.validate : undefined;
      if (!validate) return [];
      const enforces = validate.failureAction !== undefined ? isEnforcing(validate.failureAction) : policyEnforces;
      if (!enforces) return [];
      // Kyverno 1.13+ rule-level overrides; the policy-level ones apply to rules without their own failureAction.
      return [...auditOverrideNamespaces(validate.failureActionOverrides), ...(validate.failureAction === undefined ? auditOverrideNamespaces(policy.spec.validationFailureActionOverrides) : [])];
    });
    const auditedNamespaces = [...new Set(audited)].filter(isReviewable).sort();
    if (auditedNamespaces.length > 0) {
      exemptions.push({
        object: policy,
        exemptedPolicy: label,
        aspect: 'audit-override',
        namespaces: auditedNamespaces,
        description: `${label} only audits (does not enforce) its exportTo rule(s) in ${auditedNamespaces.join(', ')}`,
      });
    }
  }
  for (const control of controls.filter((candidate) => candidate.mechanism === 'gatekeeper')) {
    const match = isRecord(control.object.spec.match) ? control.object.spec.match : {};
    const label = `${control.object.kind} ${control.object.metadata.name}`;
    const excluded = strings(match.excludedNamespaces).filter(isReviewable);
    if (excluded.length > 0) {
      exemptions.push({
        object: control.object,
        exemptedPolicy: label,
        namespaces: excluded,
        description: `${label} excludes namespaces ${excluded.join(', ')}`,
      });
    }
    // `match.namespaces` limits the constraint to the listed namespaces: every other tenant namespace is uncovered.
    const only = strings(match.namespaces);
    if (only.length > 0) {
      const uncovered = tenantNamespaces.filter((namespace) => isReviewable(namespace) && !only.some((pattern) => gatekeeperNamespaceMatches(pattern, namespace)));
      if (uncovered.length > 0) {
        exemptions.push({
          object: control.object,
          exemptedPolicy: label,
          aspect: 'namespaces',
          namespaces: uncovered,
          description: `${label} only applies to namespaces ${only.join(', ')}, so tenant namespaces ${uncovered.join(', ')} are not covered`,
        });
      }
    }
  }
  return exemptions;
}

/** Namespaces a Kyverno match/exclude block names, sorted and unique. */
function kyvernoMatchNamespaces(match: unknown): string[] {
  return [...new Set(kyvernoMatchResourceField(match, 'namespaces'))].sort();
}
