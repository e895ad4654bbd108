import type { Rule } from '../types.js';
import { meshDefaultExportToPermissiveRule } from './mesh-default-exportto-permissive.js';
import { meshDefaultExportToIneffectiveRule } from './mesh-default-exportto-ineffective.js';
import { meshOutboundAllowAnyRule } from './mesh-outbound-allow-any.js';
import { meshMtlsNotStrictRule } from './mesh-mtls-not-strict.js';

/** Mesh configuration rules, in catalogue order (rules.md "Mesh configuration"). */
export const meshRules: Rule[] = [meshDefaultExportToPermissiveRule, meshDefaultExportToIneffectiveRule, meshOutboundAllowAnyRule, meshMtlsNotStrictRule];
