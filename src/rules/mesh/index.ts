import type { Rule } from '../types.js';

export const meshRules: Rule[] = [];
