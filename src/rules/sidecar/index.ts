import type { Rule } from '../types.js';

export const sidecarRules: Rule[] = [];
