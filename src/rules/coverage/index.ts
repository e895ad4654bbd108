import type { Rule } from '../types.js';
import { createResourceInvalidRule } from './resource-invalid.js';
import { createScanIncompleteRule } from './scan-incomplete.js';

export const coverageRules: Rule[] = [createScanIncompleteRule(), createResourceInvalidRule()];
