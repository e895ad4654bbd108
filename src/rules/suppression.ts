/**
 * Suppression (rules.md "Suppression"): a finding is marked, never dropped.
 *
 *  - Annotation `isolation-scanner.io/suppress: "<ruleId>[,<ruleId>]"` together with
 *    `isolation-scanner.io/suppress-reason` on the object at fault or on the finding's
 *    namespace. An annotation without a reason does not suppress; the finding says why.
 *  - Configuration entries (ScannerConfig.suppressions): ruleId, optional namespace glob,
 *    optional object glob (`kind/name` or `name`), reason and optional expiry. An expired
 *    entry stops applying, and the finding it would have matched says so in its evidence
 *    (`suppressionExpired`); `expiredSuppressions` lists them for the scan's warnings.
 * Annotations win over configuration when both match (the owner of the object spoke).
 */
import { compiledGlob } from '../config/globs.js';
import type { ConfigSuppression, ScannerConfig } from '../config/types.js';
import type { ClusterSnapshot, K8sObject, SnapshotKind } from '../snapshot/types.js';
import { copyKeepingLists } from './list-summary.js';
import type { Finding } from './types.js';

export const SUPPRESS_ANNOTATION = 'isolation-scanner.io/suppress';
export const SUPPRESS_REASON_ANNOTATION = 'isolation-scanner.io/suppress-reason';

/** Instant after which a suppression no longer applies. A date without time lasts until the end of that day (UTC). */
export function expiryInstant(expires: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? new Date(`${expires}T23:59:59.999Z`) : new Date(expires);
}

export function isExpired(suppression: ConfigSuppression, now: Date): boolean {
  return suppression.expires !== undefined && expiryInstant(suppression.expires).getTime() < now.getTime();
}

/** Human-readable warnings for configuration suppressions that have expired. */
export function expiredSuppressions(config: ScannerConfig, now: Date = config.now ?? new Date()): string[] {
  return config.suppressions
    .filter((suppression) => isExpired(suppression, now))
    .map((suppression) => `suppression of ${suppression.ruleId}${suppression.namespace ? ` in ${suppression.namespace}` : ''}${suppression.resource ? ` for ${suppression.resource}` : ''} expired on ${suppression.expires} and no longer applies (reason was: ${suppression.reason})`);
}

function ruleIdsOf(annotations: Record<string, string>): string[] {
  return (annotations[SUPPRESS_ANNOTATION] ?? '').split(',').map((id) => id.trim()).filter(Boolean);
}

const keyOf = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

/**
 * The object a finding (or a fix) points at, by kind/namespace/name; of two objects with one
 * key, the later in the snapshot. A kind is indexed on the first lookup of that kind: the
 * engine looks up only the objects of findings that carry no source (on the large fleet,
 * Namespaces) and fixes a few kinds, not the 39,000 objects of a scan.
 */
export class LazyObjectIndex {
  private byKind?: Map<string, K8sObject[]>;
  private readonly indexes = new Map<string, Map<string, K8sObject>>();
  /** Objects keyed so far (a guard test counts them). */
  keyed = 0;

  constructor(private readonly snapshot: ClusterSnapshot) {}

  get(ref: { kind: string; namespace: string; name: string } | undefined): K8sObject | undefined {
    if (!ref || !ref.name) return undefined;
    let index = this.indexes.get(ref.kind);
    if (!index) {
      if (!this.byKind) {
        // Object.kind, not the snapshot's kind: objects are found by the kind their findings name.
        this.byKind = new Map();
        for (const kind of Object.keys(this.snapshot.objects) as SnapshotKind[]) {
          for (const object of this.snapshot.objects[kind]) {
            const list = this.byKind.get(object.kind);
            if (list) list.push(object);
            else this.byKind.set(object.kind, [object]);
          }
        }
      }
      index = new Map();
      // In snapshot order, so that of two objects with one name the later wins.
      for (const object of this.byKind.get(ref.kind) ?? []) index.set(`${object.metadata.namespace}/${object.metadata.name}`, object);
      this.keyed += index.size;
      this.indexes.set(ref.kind, index);
    }
    return index.get(`${ref.namespace}/${ref.name}`);
  }
}

/**
 * The objects an annotation suppression can come from: the object a finding points at (as
 * LazyObjectIndex finds it) when that object carries the suppress annotation, else undefined
 * (an object without it suppresses nothing). Keys only annotated objects, and none at all when
 * no object has the annotation (most clusters).
 */
export function annotatedObjects(snapshot: ClusterSnapshot): (ref: { kind: string; namespace: string; name: string } | undefined) => K8sObject | undefined {
  const annotated = new Map<string, K8sObject>();
  for (const kind of Object.keys(snapshot.objects) as SnapshotKind[]) {
    for (const object of snapshot.objects[kind]) {
      const carries = object.metadata.annotations[SUPPRESS_ANNOTATION] !== undefined;
      if (!carries && annotated.size === 0) continue;
      const key = keyOf(object.kind, object.metadata.namespace, object.metadata.name);
      // The last object of a key is the one a finding points at, annotated or not.
      if (carries) annotated.set(key, object);
      else annotated.delete(key);
    }
  }
  return (ref) => (ref && ref.name && annotated.size > 0 ? annotated.get(keyOf(ref.kind, ref.namespace, ref.name)) : undefined);
}

interface AnnotationVerdict {
  reason?: string;
  /** Set when an annotation names the rule but gives no reason. */
  missingReason?: string;
}

function annotationVerdict(finding: Finding, snapshot: ClusterSnapshot, annotated: (ref: Finding['resource']) => K8sObject | undefined): AnnotationVerdict {
  const object = annotated(finding.resource);
  const namespace = snapshot.namespaces.get(finding.namespace || finding.resource?.namespace || '');
  const holders: Array<{ where: string; annotations: Record<string, string> }> = [];
  if (object) holders.push({ where: `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`, annotations: object.metadata.annotations });
  // A holder without the annotation suppresses nothing: no description for it.
  if (namespace && namespace.annotations[SUPPRESS_ANNOTATION] !== undefined) holders.push({ where: `namespace ${namespace.name}`, annotations: namespace.annotations });
  let missingReason: string | undefined;
  for (const holder of holders) {
    if (!ruleIdsOf(holder.annotations).includes(finding.ruleId)) continue;
    const reason = holder.annotations[SUPPRESS_REASON_ANNOTATION]?.trim();
    if (reason) return { reason: `${reason} (annotation on ${holder.where})` };
    missingReason ??= `${SUPPRESS_ANNOTATION} on ${holder.where} names ${finding.ruleId} but has no ${SUPPRESS_REASON_ANNOTATION}; not suppressed`;
  }
  return { missingReason };
}

/** Does a configuration entry cover a finding (expiry aside)? */
export function suppressionMatches(suppression: ConfigSuppression, finding: Finding): boolean {
  if (suppression.ruleId !== '*' && suppression.ruleId !== finding.ruleId) return false;
  // Compiled once per configuration entry, not once per finding.
  if (suppression.namespace !== undefined && !compiledGlob(suppression, suppression.namespace).match(finding.namespace || finding.resource?.namespace || '')) return false;
  if (suppression.resource !== undefined) {
    const ref = finding.resource;
    if (!ref) return false;
    const pattern = suppression.resource;
    const target = pattern.includes('/') ? `${ref.kind}/${ref.name}` : ref.name;
    if (!compiledGlob(suppression, pattern, { nocase: pattern.includes('/') }).match(target)) return false;
  }
  return true;
}

export function applySuppressions(findings: Finding[], snapshot: ClusterSnapshot, config: ScannerConfig): Finding[] {
  const now = config.now ?? new Date();
  const annotated = annotatedObjects(snapshot);
  return findings.map((finding) => {
    const verdict = annotationVerdict(finding, snapshot, annotated);
    if (verdict.reason) return copyKeepingLists(finding, { suppressed: true, suppressionReason: verdict.reason });
    const matching = config.suppressions.filter((suppression) => suppressionMatches(suppression, finding));
    const active = matching.find((suppression) => !isExpired(suppression, now));
    if (active) {
      return copyKeepingLists(finding, { suppressed: true, suppressionReason: `${active.reason} (configuration${active.expires ? `, until ${active.expires}` : ''})` });
    }
    const notes: Record<string, unknown> = {};
    const expired = matching.filter((suppression) => isExpired(suppression, now));
    if (expired.length > 0) notes.suppressionExpired = expired.map((suppression) => ({ reason: suppression.reason, expires: suppression.expires }));
    if (verdict.missingReason) notes.suppressionIgnored = verdict.missingReason;
    return Object.keys(notes).length > 0 ? copyKeepingLists(finding, { evidence: copyKeepingLists(finding.evidence, notes) }) : finding;
  });
}
