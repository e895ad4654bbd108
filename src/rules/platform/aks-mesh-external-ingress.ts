import { isIstioAddon } from '../../inventory/aks-facts.js';
import { aksRule } from './aks-rule.js';

export const aksMeshExternalIngress = aksRule(
  {
    id: 'aks-mesh-external-ingress',
    title: 'AKS mesh external ingress gateway is enabled',
    defaultSeverity: 'info',
    rationale: 'The external ingress gateway (aks-istio-ingressgateway-external) gets a public IP address: any Gateway bound to it exposes services to the internet. Listed for the exposure inventory.',
    remediation: 'Keep it only if internet exposure is intended; otherwise disable it (`az aks mesh disable-ingress-gateway --ingress-gateway-type external`) and use the internal gateway.',
    references: ['https://learn.microsoft.com/azure/aks/istio-deploy-ingress'],
  },
  (facts) => {
    if (!isIstioAddon(facts)) return [];
    const external = facts.ingressGateways.filter((gateway) => gateway.mode.toLowerCase() === 'external' && gateway.enabled);
    if (external.length === 0) return [];
    return [{ message: `The mesh external ingress gateway is enabled on ${facts.clusterName} (public IP address).`, evidence: { ingressGateways: facts.ingressGateways } }];
  },
);
