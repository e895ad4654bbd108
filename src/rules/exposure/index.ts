import type { Rule } from '../types.js';
import { exportToMissingRule } from './exportto-missing.js';
import { exportToWildcardRule } from './exportto-wildcard.js';
import { exportToUnknownNamespaceRule } from './exportto-unknown-namespace.js';
import { namespaceImportsForeignConfigRule } from './namespace-imports-foreign-config.js';
import { hostConflictCrossNamespaceRule } from './host-conflict-cross-namespace.js';
import { serviceEntryShadowsServiceRule } from './serviceentry-shadows-service.js';
import { virtualServiceForeignHostRule } from './virtualservice-foreign-host.js';
import { destinationRuleForeignHostRule } from './destinationrule-foreign-host.js';
import { serviceEntryBroadWildcardHostRule } from './serviceentry-broad-wildcard-host.js';

/** Exposure rules, in catalogue order (rules.md "Exposure"). */
export const exposureRules: Rule[] = [
  exportToMissingRule,
  exportToWildcardRule,
  exportToUnknownNamespaceRule,
  namespaceImportsForeignConfigRule,
  hostConflictCrossNamespaceRule,
  serviceEntryShadowsServiceRule,
  virtualServiceForeignHostRule,
  destinationRuleForeignHostRule,
  serviceEntryBroadWildcardHostRule,
];
