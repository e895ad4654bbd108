import type { Rule } from './types.js';
import { exposureRules } from './exposure/index.js';
import { sidecarRules } from './sidecar/index.js';
import { meshRules } from './mesh/index.js';
import { transportRules } from './transport/index.js';
import { enrolmentRules } from './enrolment/index.js';
import { admissionRules } from './admission/index.js';
import { platformRules } from './platform/index.js';
import { coverageRules } from './coverage/index.js';
import { ingressRules } from './ingress/index.js';

/** Every rule, in catalogue order (rules.md). Each family folder owns its index. */
export const ALL_RULES: readonly Rule[] = [
  ...exposureRules,
  ...sidecarRules,
  ...meshRules,
  ...transportRules,
  ...enrolmentRules,
  ...admissionRules,
  ...platformRules,
  ...coverageRules,
  ...ingressRules,
];

export function findRule(ruleId: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.meta.id === ruleId);
}
