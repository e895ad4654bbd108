import type { ScannerConfig } from '../config/types.js';
import { buildMeshModel, type MeshModel } from '../mesh/model.js';
import { isUnreadable } from '../snapshot/coverage.js';
import type { ClusterSnapshot, CoverageEntry, SnapshotKind } from '../snapshot/types.js';
import { computeFindingId } from './finding-id.js';
import { listSummaryOf, withListSummary } from './list-summary.js';
import { ALL_RULES } from './registry.js';
import { applySuppressions, LazyObjectIndex } from './suppression.js';
import type { Finding, Rule, RuleContext, RuleResult } from './types.js';

const RULE_CATALOGUE = ALL_RULES.map((rule) => rule.meta);

/** Kinds whose coverage leaves every rule that requires them unknown. */
export function unreadableKinds(snapshot: ClusterSnapshot): SnapshotKind[] {
  return (Object.entries(snapshot.coverage) as Array<[SnapshotKind, CoverageEntry]>)
    .filter(([, entry]) => isUnreadable(entry.status))
    .map(([kind]) => kind);
}

/** A rule is skipped when data it requires was not read: it must never report "compliant" on missing data. */
export function ruleIsBlind(rule: Rule, snapshot: ClusterSnapshot): boolean {
  const unreadable = new Set(unreadableKinds(snapshot));
  if (rule.meta.requires.some((kind) => unreadable.has(kind))) return true;
  return Boolean(rule.meta.requiresAks) && !snapshot.aksCluster;
}

export interface EvaluateOptions {
  rules?: readonly Rule[];
  /** A model already built for this snapshot and config (its indexes are expensive on big clusters). */
  model?: MeshModel;
}

/** What every rule reads; `model` may be one already built for this snapshot and config. */
export function createRuleContext(snapshot: ClusterSnapshot, config: ScannerConfig, model: MeshModel = buildMeshModel(snapshot, config)): RuleContext {
  return { snapshot, config, model, catalogue: RULE_CATALOGUE };
}

/** Runs every enabled rule over one snapshot and returns finished findings (ids, titles, suppression). */
export function evaluateSnapshot(snapshot: ClusterSnapshot, config: ScannerConfig, options: EvaluateOptions = {}): Finding[] {
  const rules = (options.rules ?? ALL_RULES).filter((rule) => !config.disabledRules.includes(rule.meta.id));
  const ctx = createRuleContext(snapshot, config, options.model);
  const findings: Finding[] = [];
  // Where findings without a source of their own were written: only their kinds are indexed.
  const objects = new LazyObjectIndex(snapshot);
  for (const rule of rules) {
    if (rule.meta.id !== 'scan-incomplete' && ruleIsBlind(rule, snapshot)) continue;
    for (const result of rule.evaluate(ctx)) {
      const subjectKey = result.subjectKey ?? '';
      const finding: Finding = {
        findingId: computeFindingId({
          clusterResourceId: snapshot.cluster.resourceId ?? snapshot.cluster.name,
          ruleId: rule.meta.id,
          namespace: result.namespace,
          resourceKind: result.resource?.kind ?? '',
          resourceName: result.resource?.name ?? '',
          subjectKey,
        }),
        ruleId: rule.meta.id,
        severity: config.severityOverrides[rule.meta.id] ?? result.severity ?? rule.meta.defaultSeverity,
        category: rule.meta.category,
        title: rule.meta.title,
        message: result.message,
        namespace: result.namespace,
        resource: result.resource,
        affectedNamespaces: [],
        evidence: result.evidence,
        remediation: result.remediation ?? rule.meta.remediation,
        fix: result.fix,
        suppressed: false,
        subjectKey,
        // Offline scans know where each object was written; SARIF and fixes need it.
        source: result.source ?? objects.get(result.resource)?.source,
      };
      keepLazyAffectedNamespaces(result, finding);
      findings.push(finding);
    }
  }
  return applySuppressions(findings, snapshot, config);
}

/**
 * A rule may give affectedNamespaces as a getter when the list is large and shared (every
 * namespace importing a public object): it is then built when an output reads it, one finding
 * at a time, instead of for every finding during evaluation. Plain values are copied.
 */
function keepLazyAffectedNamespaces(result: RuleResult, finding: Finding): void {
  const descriptor = Object.getOwnPropertyDescriptor(result, 'affectedNamespaces');
  if (descriptor?.get) Object.defineProperty(finding, 'affectedNamespaces', { get: descriptor.get, enumerable: true, configurable: true });
  else finding.affectedNamespaces = result.affectedNamespaces ?? [];
  // The bounded outputs read the list through its summary when the rule gives one (list-summary.ts).
  const summary = listSummaryOf(result, 'affectedNamespaces');
  if (summary) withListSummary(finding, 'affectedNamespaces', summary);
}
