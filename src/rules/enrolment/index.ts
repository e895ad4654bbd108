import type { Rule } from '../types.js';

export const enrolmentRules: Rule[] = [];
