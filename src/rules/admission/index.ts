import type { Rule } from '../types.js';

export const admissionRules: Rule[] = [];
