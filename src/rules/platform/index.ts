import type { Rule } from '../types.js';

export const platformRules: Rule[] = [];
