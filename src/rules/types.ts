import type { ClusterSnapshot, SnapshotKind, SourceLocation } from '../snapshot/types.js';
import type { ScannerConfig } from '../config/types.js';
import type { MeshModel } from '../mesh/model.js';

import type { Category, ResourceRef, Severity } from '../vocabulary.js';

// The shared vocabulary lives at the bottom layer; rules re-export it for their own files.
export { SEVERITIES, CATEGORIES } from '../vocabulary.js';
export type { Severity, Category, ResourceRef } from '../vocabulary.js';

/** What a rule returns. The engine adds title, category, findingId, suppression and severity overrides. */
export interface RuleResult {
  /** Defaults to the rule's default severity; rules with graded severities set it. */
  severity?: Severity;
  message: string;
  /** Namespace the finding belongs to ('' for cluster-level). */
  namespace: string;
  resource?: ResourceRef;
  affectedNamespaces?: string[];
  evidence: Record<string, unknown>;
  /** Overrides the rule's generic remediation text when the rule can be more specific. */
  remediation?: string;
  /** JSON merge patch (for resource) or a full manifest, when the fix is mechanical. */
  fix?: FindingFix;
  /** Distinguishes several findings of one rule on one resource (e.g. the host). Part of FindingId. */
  subjectKey?: string;
  source?: SourceLocation;
}

export type FindingFix =
  | { type: 'merge-patch'; target: ResourceRef; patch: Record<string, unknown> }
  | { type: 'manifest'; manifest: Record<string, unknown> };

/** A finding as every output sees it (camelCase of the Log Analytics columns). */
export interface Finding {
  findingId: string;
  ruleId: string;
  severity: Severity;
  category: Category;
  title: string;
  message: string;
  namespace: string;
  resource?: ResourceRef;
  affectedNamespaces: string[];
  evidence: Record<string, unknown>;
  remediation: string;
  fix?: FindingFix;
  suppressed: boolean;
  suppressionReason?: string;
  subjectKey: string;
  source?: SourceLocation;
}

export interface RuleMeta {
  id: string;
  title: string;
  category: Category;
  defaultSeverity: Severity;
  rationale: string;
  remediation: string;
  /** URLs (Istio docs, AKS docs). */
  references: string[];
  /** Kinds whose absence of data makes this rule's result unknown (for scan-incomplete). */
  requires: SnapshotKind[];
  /**
   * Kinds read when they are available: without them the rule still runs, but the part of its
   * checks that needs them (e.g. "this selector matches no workload") is skipped, so
   * scan-incomplete names the rule as partly unknown when one of them is unreadable.
   */
  partlyRequires?: SnapshotKind[];
  /** Needs the ARM ManagedCluster object. */
  requiresAks?: boolean;
  /** Istio version assumption, if any, e.g. '>=1.24 host precedence'. */
  versionNote?: string;
}

/** Read-only inputs of every rule. `mesh` is the precomputed semantic model (src/mesh). */
export interface RuleContext {
  snapshot: ClusterSnapshot;
  config: ScannerConfig;
  /** Lazily computed, shared semantic model (import graph, namespace classes...). */
  model: MeshModel;
  /** Every rule of the catalogue (enabled or not), for rules that report on others (scan-incomplete). */
  catalogue: readonly RuleMeta[];
}

export interface Rule {
  meta: RuleMeta;
  evaluate(ctx: RuleContext): RuleResult[];
}
