import type { Rule } from '../types.js';
import { gatewayHostsUnrestrictedRule } from './gateway-hosts-unrestricted.js';
import { gatewayHostClaimedCrossNamespaceRule } from './gateway-host-claimed-cross-namespace.js';
import { gatewaySelectsForeignWorkloadRule } from './gateway-selects-foreign-workload.js';
import { gatewayAllowedRoutesBroadRule } from './gateway-allowedroutes-broad.js';
import { routeHostnameConflictCrossNamespaceRule } from './route-hostname-conflict-cross-namespace.js';
import { referenceGrantBroadRule } from './referencegrant-broad.js';

/** Shared ingress: Istio Gateway + VirtualService and the Kubernetes Gateway API (rules.md, second round). */
export const ingressRules: Rule[] = [
  gatewayHostsUnrestrictedRule,
  gatewayHostClaimedCrossNamespaceRule,
  gatewaySelectsForeignWorkloadRule,
  gatewayAllowedRoutesBroadRule,
  routeHostnameConflictCrossNamespaceRule,
  referenceGrantBroadRule,
];
