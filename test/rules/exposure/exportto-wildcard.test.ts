import { exportToWildcardRule } from '../../../src/rules/exposure/exportto-wildcard.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const vs = (ns: string, exportTo: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: routes, namespace: ${ns}}
spec:
  hosts: [api.example.com]
  exportTo: ${exportTo}
  http: [{route: [{destination: {host: api.example.com}}]}]
`;

runRuleTests(exportToWildcardRule, {
  valid: [
    { name: 'explicit namespace list', manifests: vs('tenant-a', '[".", "tenant-b"]') },
    { name: 'no exportTo at all is exportto-missing, not this rule', manifests: vs('tenant-a', '[]') },
    { name: 'system namespaces are skipped', manifests: vs('aks-istio-system', '["*"]') },
  ],
  invalid: [
    { name: 'tenant exports to *', manifests: vs('tenant-a', '["*"]'), findings: [{ severity: 'high', namespace: 'tenant-a', affectedNamespaces: ['*'], messageIncludes: ['"*"'] }] },
    {
      name: 'seed: shared namespace with explicit * is an intentional share (info)',
      manifests: vs('shared-egress', '["*"]'),
      config: { sharedNamespaces: ['shared-*'] },
      findings: [{ severity: 'info', namespace: 'shared-egress', messageIncludes: ['intentional share'] }],
    },
  ],
});
