/**
 * The `labelSelector` query parameter of a LIST, as the Kubernetes API server reads it
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors):
 * comma-separated requirements, all of which must hold:
 *   `key` (exists), `!key` (does not exist), `key=value` / `key==value`, `key!=value`
 *   (also true when the key is absent), `key in (a,b)`, `key notin (a,b)` (true when absent).
 * Anything else is a parse error, which the double answers with 400 BadRequest.
 */

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

export class LabelSelectorError extends Error {}

const KEY = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses (the values of `in (a,b)` contain commas). */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

function checkKey(key: string, requirement: string): string {
  if (!KEY.test(key)) throw new LabelSelectorError(`unable to parse requirement: invalid label key "${key}" in "${requirement}"`);
  return key;
}

function checkValue(value: string, requirement: string): string {
  if (!VALUE.test(value)) throw new LabelSelectorError(`unable to parse requirement: invalid label value "${value}" in "${requirement}"`);
  return value;
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === '') return [];
  return splitRequirements(selector).map((requirement): LabelRequirement => {
    const setMatch = /^(\S+)\s+(in|notin)\s+\(([^()]*)\)$/.exec(requirement);
    if (setMatch) {
      const values = setMatch[3]!.split(',').map((value) => checkValue(value.trim(), requirement));
      return { key: checkKey(setMatch[1]!, requirement), op: setMatch[2] as 'in' | 'notin', values };
    }
    const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(requirement);
    if (compare) {
      const key = checkKey(compare[1]!, requirement);
      const value = checkValue(compare[3]!, requirement);
      return { key, op: compare[2] === '!=' ? 'notin' : 'in', values: [value] };
    }
    if (requirement.startsWith('!')) return { key: checkKey(requirement.slice(1).trim(), requirement), op: 'notexists' };
    return { key: checkKey(requirement, requirement), op: 'exists' };
  });
}

export function labelsMatch(requirements: LabelRequirement[], labels: Record<string, string>): boolean {
  return requirements.every((requirement) => {
    const present = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    switch (requirement.op) {
      case 'exists':
        return present;
      case 'notexists':
        return !present;
      case 'in':
        return present && requirement.values.includes(labels[requirement.key]!);
      case 'notin':
        return !present || !requirement.values.includes(labels[requirement.key]!);
    }
  });
}
