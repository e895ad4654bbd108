/**
 * Kubernetes label selectors (metav1.LabelSelector: matchLabels AND matchExpressions with In,
 * NotIn, Exists, DoesNotExist), as k8s.io/apimachinery LabelSelectorAsSelector evaluates
 * them: an empty selector matches everything, an unknown operator makes the selector
 * invalid (it then matches nothing; Istio's namespacesFromSelector returns no namespace).
 */
import { isRecord, stringList, stringMapOf } from './accessors.js';

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export type ParsedSelector = { valid: true; requirements: LabelRequirement[] } | { valid: false; reason: string };

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function parseLabelSelector(value: unknown): ParsedSelector {
  if (!isRecord(value)) return { valid: true, requirements: [] };
  const requirements: LabelRequirement[] = [];
  for (const [key, labelValue] of Object.entries(stringMapOf(value.matchLabels) ?? {})) requirements.push({ key, operator: 'In', values: [labelValue] });
  const expressions = Array.isArray(value.matchExpressions) ? value.matchExpressions : [];
  for (const expression of expressions) {
    if (!isRecord(expression) || typeof expression.key !== 'string' || typeof expression.operator !== 'string' || !OPERATORS.has(expression.operator)) {
      return { valid: false, reason: `unsupported matchExpression ${JSON.stringify(expression)}` };
    }
    const values = stringList(expression.values) ?? [];
    // The API server requires values for In/NotIn and none for Exists/DoesNotExist.
    if ((expression.operator === 'In' || expression.operator === 'NotIn') && values.length === 0) return { valid: false, reason: `${expression.operator} without values` };
    requirements.push({ key: expression.key, operator: expression.operator as LabelRequirement['operator'], values });
  }
  return { valid: true, requirements };
}

export function selectorMatches(selector: ParsedSelector, labels: Record<string, string>): boolean {
  if (!selector.valid) return false;
  return selector.requirements.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    switch (requirement.operator) {
      case 'In':
        return has && requirement.values.includes(labels[requirement.key]!);
      case 'NotIn':
        return !has || !requirement.values.includes(labels[requirement.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

/** Human form, e.g. `team=a, env in (prod)`; `{}` for the empty selector. */
export function describeSelector(selector: ParsedSelector): string {
  if (!selector.valid) return `invalid selector (${selector.reason})`;
  if (selector.requirements.length === 0) return '{} (every namespace)';
  return selector.requirements
    .map((requirement) => {
      if (requirement.operator === 'Exists') return requirement.key;
      if (requirement.operator === 'DoesNotExist') return `!${requirement.key}`;
      if (requirement.operator === 'In' && requirement.values.length === 1) return `${requirement.key}=${requirement.values[0]}`;
      return `${requirement.key} ${requirement.operator === 'In' ? 'in' : 'notin'} (${requirement.values.join(', ')})`;
    })
    .join(', ');
}

/** The label every namespace carries (API server 1.21+; Istio's toNamespaceSet adds it for older ones). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Namespace labels as selectors see them: with kubernetes.io/metadata.name set to the name. */
export function namespaceSelectorLabels(name: string, labels: Record<string, string>): Record<string, string> {
  return labels[NAMESPACE_NAME_LABEL] === name ? labels : { ...labels, [NAMESPACE_NAME_LABEL]: name };
}
