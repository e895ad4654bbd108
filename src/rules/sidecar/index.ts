import type { Rule } from '../types.js';
import { namespaceMissingDefaultSidecarRule } from './namespace-missing-default-sidecar.js';
import { sidecarEgressImportsAllNamespacesRule } from './sidecar-egress-imports-all-namespaces.js';
import { sidecarMultipleDefaultsRule } from './sidecar-multiple-defaults.js';
import { sidecarSelectorOverlapRule } from './sidecar-selector-overlap.js';
import { sidecarEgressMissingControlPlaneRule } from './sidecar-egress-missing-control-plane.js';
import { sidecarEgressHostUnresolvedRule } from './sidecar-egress-host-unresolved.js';
import { sidecarOutboundAllowAnyRule } from './sidecar-outbound-allow-any.js';
import { rootSidecarHasSelectorRule } from './root-sidecar-has-selector.js';
import { sidecarInAmbientNamespaceRule } from './sidecar-in-ambient-namespace.js';

/** Sidecar scoping rules, in catalogue order (rules.md "Sidecar scoping"). */
export const sidecarRules: Rule[] = [
  namespaceMissingDefaultSidecarRule,
  sidecarEgressImportsAllNamespacesRule,
  sidecarMultipleDefaultsRule,
  sidecarSelectorOverlapRule,
  sidecarEgressMissingControlPlaneRule,
  sidecarEgressHostUnresolvedRule,
  sidecarOutboundAllowAnyRule,
  rootSidecarHasSelectorRule,
  sidecarInAmbientNamespaceRule,
];
