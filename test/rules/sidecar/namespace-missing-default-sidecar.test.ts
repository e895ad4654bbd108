import { expect } from '@jest/globals';
import { namespaceMissingDefaultSidecarRule } from '../../../src/rules/sidecar/namespace-missing-default-sidecar.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (name: string, labels = '{}') => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n`;
const sidecar = (namespace: string, extra = '') => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${namespace}}
spec:
${extra}  egress: [{hosts: ["./*", "aks-istio-system/*"]}]
`;

runRuleTests(namespaceMissingDefaultSidecarRule, {
  valid: [
    { name: 'own default Sidecar', manifests: ns('tenant-a') + sidecar('tenant-a') },
    // Istio applies a label-less workloadSelector to every workload of the namespace (push_context.go doGetSidecarScope).
    { name: 'own Sidecar with a workloadSelector without labels', manifests: ns('tenant-a') + sidecar('tenant-a', '  workloadSelector: {labels: {}}\n') },
    { name: 'root default Sidecar (AKS)', manifests: ns('tenant-a') + sidecar('aks-istio-system'), meshConfig: { rootNamespace: 'aks-istio-system' } },
    { name: 'system namespaces are skipped', manifests: ns('kube-system') + ns('aks-istio-ingress') },
    { name: 'ambient namespaces are left to sidecar-in-ambient-namespace', manifests: ns('tenant-a', '{istio.io/dataplane-mode: ambient}') },
  ],
  invalid: [
    {
      name: 'no Sidecar anywhere: fix is a default Sidecar with the real root namespace',
      manifests: ns('tenant-a') + ns('tenant-b') + sidecar('tenant-b'),
      meshConfig: { rootNamespace: 'aks-istio-system' },
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          resourceKind: 'Namespace',
          check: (f) =>
            expect(f.fix).toEqual({
              type: 'manifest',
              manifest: { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: 'tenant-a' }, spec: { egress: [{ hosts: ['./*', 'aks-istio-system/*'] }] } },
            }),
        },
      ],
    },
    {
      name: 'a root Sidecar with a workloadSelector is not a default',
      manifests: ns('tenant-a') + sidecar('istio-system', '  workloadSelector: {labels: {app: x}}\n'),
      findings: [{ namespace: 'tenant-a' }],
    },
  ],
});
