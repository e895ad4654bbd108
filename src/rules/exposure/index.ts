import type { Rule } from '../types.js';

export const exposureRules: Rule[] = [];
