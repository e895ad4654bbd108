import { rootSidecarHasSelectorRule } from '../../../src/rules/sidecar/root-sidecar-has-selector.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const sidecar = (namespace: string, name: string, selector: boolean) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ${name}, namespace: ${namespace}}
spec:
${selector ? '  workloadSelector: {labels: {app: gateway}}\n' : ''}  egress: [{hosts: ["./*"]}]
`;
const aks = { rootNamespace: 'aks-istio-system' };

runRuleTests(rootSidecarHasSelectorRule, {
  valid: [
    { name: 'selector-less root default', manifests: sidecar('aks-istio-system', 'default', false), meshConfig: aks },
    { name: 'a selector Sidecar next to a root default', manifests: sidecar('aks-istio-system', 'default', false) + sidecar('aks-istio-system', 'gw', true), meshConfig: aks },
    { name: 'selector Sidecars in tenant namespaces', manifests: sidecar('tenant-a', 'gw', true), meshConfig: aks },
  ],
  invalid: [
    {
      name: 'the only root Sidecar has a selector',
      manifests: sidecar('aks-istio-system', 'default', true),
      meshConfig: aks,
      findings: [{ severity: 'low', namespace: 'aks-istio-system', resourceName: 'default', messageIncludes: ['not a mesh-wide default'] }],
    },
  ],
});
