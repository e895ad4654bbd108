import type { Rule } from '../types.js';

export const transportRules: Rule[] = [];
