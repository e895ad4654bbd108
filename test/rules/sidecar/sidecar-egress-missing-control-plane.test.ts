import { sidecarEgressMissingControlPlaneRule } from '../../../src/rules/sidecar/sidecar-egress-missing-control-plane.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const sidecar = (namespace: string, hosts: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${namespace}}
spec: {egress: [{hosts: ${hosts}}]}
`;
const aks = { rootNamespace: 'aks-istio-system' };

runRuleTests(sidecarEgressMissingControlPlaneRule, {
  valid: [
    { name: 'includes aks-istio-system/*', manifests: ns('tenant-a') + sidecar('tenant-a', '["./*", "aks-istio-system/*"]'), meshConfig: aks },
    { name: '*/* covers the root namespace', manifests: ns('tenant-a') + sidecar('tenant-a', '["*/*"]'), meshConfig: aks },
    { name: 'no egress section imports everything', manifests: ns('tenant-a') + `---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: tenant-a}\nspec: {}\n`, meshConfig: aks },
  ],
  invalid: [
    {
      name: 'own namespace only',
      manifests: ns('tenant-a') + sidecar('tenant-a', '["./*"]'),
      meshConfig: aks,
      findings: [{ severity: 'low', namespace: 'tenant-a', affectedNamespaces: ['tenant-a'], messageIncludes: ['aks-istio-system'] }],
    },
    {
      name: 'root default without the root namespace, reported once',
      manifests: ns('tenant-a', 'tenant-b') + sidecar('aks-istio-system', '["./*"]'),
      meshConfig: aks,
      findings: [{ namespace: 'aks-istio-system', affectedNamespaces: ['tenant-a', 'tenant-b'] }],
    },
  ],
});
