import { expect } from '@jest/globals';
import { sidecarEgressImportsAllNamespacesRule } from '../../../src/rules/sidecar/sidecar-egress-imports-all-namespaces.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const sidecar = (namespace: string, name: string, spec: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}
`;

runRuleTests(sidecarEgressImportsAllNamespacesRule, {
  valid: [
    { name: 'namespace-qualified egress hosts', manifests: ns('tenant-a') + sidecar('tenant-a', 'default', '{egress: [{hosts: ["./*", "istio-system/*", "shared-egress/api.example.com"]}]}') },
    { name: 'no Sidecar at all is namespace-missing-default-sidecar, not this rule', manifests: ns('tenant-a') },
    { name: 'a root Sidecar used by no tenant', manifests: ns('kube-system') + sidecar('istio-system', 'default', '{egress: [{hosts: ["*/*"]}]}') },
  ],
  invalid: [
    {
      name: 'an egress host with namespace *',
      manifests: ns('tenant-a') + sidecar('tenant-a', 'default', '{egress: [{hosts: ["./*", "*/api.example.com"]}]}'),
      findings: [{ severity: 'high', namespace: 'tenant-a', affectedNamespaces: ['tenant-a'], messageIncludes: ['*/api.example.com'], check: (f) => expect(f.fix).toBeUndefined() }],
    },
    {
      name: 'a root default with */* is reported once with every tenant using it',
      manifests: ns('tenant-a', 'tenant-b') + sidecar('istio-system', 'default', '{egress: [{hosts: ["*/*"]}]}'),
      findings: [{ namespace: 'istio-system', affectedNamespaces: ['tenant-a', 'tenant-b'] }],
    },
    {
      name: 'a workload Sidecar without egress imports */*',
      manifests: ns('tenant-a') + sidecar('tenant-a', 'default', '{egress: [{hosts: ["./*"]}]}') + sidecar('tenant-a', 'legacy', '{workloadSelector: {labels: {app: legacy}}}'),
      findings: [
        {
          resourceName: 'legacy',
          messageIncludes: ['no egress section'],
          check: (f) => expect(f.fix).toMatchObject({ type: 'merge-patch', patch: { spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } } }),
        },
      ],
    },
  ],
});
