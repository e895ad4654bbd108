import { expect } from '@jest/globals';
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

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const scopedTo = (namespace: string, hosts: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${namespace}}
spec: {egress: [{hosts: ${hosts}}]}
`;

runRuleTests(exportToWildcardRule, {
  valid: [
    { name: 'explicit namespace list', manifests: vs('tenant-a', '[".", "tenant-b"]') },
    { name: 'no exportTo at all is exportto-missing, not this rule', manifests: vs('tenant-a', '[]') },
    { name: 'system namespaces are skipped', manifests: vs('aks-istio-system', '["*"]') },
  ],
  invalid: [
    {
      // PushContext.destinationRule: a client with a rule of its own for the host never consults the owner's.
      name: "a DestinationRule exported to *: clients with their own rule for the host do not import it",
      manifests:
        ns('tenant-a', 'tenant-b', 'tenant-c') +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: payments, namespace: tenant-a}\nspec: {ports: [{port: 80}]}\n' +
        '---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: payments, namespace: tenant-a}\nspec: {host: payments, exportTo: ["*"]}\n' +
        '---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: own, namespace: tenant-c}\nspec: {host: "*.tenant-a.svc.cluster.local", exportTo: ["."]}\n',
      findings: [
        {
          resourceKind: 'DestinationRule',
          affectedNamespaces: ['tenant-b'],
          messageIncludes: ['1 of 2 other tenant namespaces imports it (tenant-b)'],
          check: (f) => expect(f.evidence).toMatchObject({ importingNamespaceCount: 1, importingNamespaces: ['tenant-b'] }),
        },
      ],
    },
    { name: 'tenant exports to *', manifests: vs('tenant-a', '["*"]'), findings: [{ severity: 'high', namespace: 'tenant-a', affectedNamespaces: [], messageIncludes: ['"*"'] }] },
    {
      name: 'the message says which tenant namespaces import it today',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + '---\n' + vs('tenant-a', '["*"]') + scopedTo('tenant-c', '["./*"]'),
      findings: [
        {
          // affectedNamespaces: the tenants whose proxies import it today, not the "*" it allows.
          affectedNamespaces: ['tenant-b'],
          messageIncludes: ['1 of 2 other tenant namespaces imports it (tenant-b)'],
          check: (f) => expect(f.evidence).toMatchObject({ importingNamespaceCount: 1, importingNamespaces: ['tenant-b'] }),
        },
      ],
    },
    {
      name: 'when Sidecars could not be read, who imports it is unknown: affectedNamespaces is ["*"]',
      manifests: ns('tenant-a', 'tenant-b') + '---\n' + vs('tenant-a', '["*"]'),
      coverage: { Sidecar: { status: 'forbidden', error: 'HTTP 403' } },
      findings: [{ affectedNamespaces: ['*'], messageIncludes: ['unknown'] }],
    },
    {
      name: 'self-managed demo: "./*" Sidecars everywhere neutralise the wildcard, which is still flagged',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + '---\n' + vs('tenant-a', '["*"]') + scopedTo('tenant-b', '["./*"]') + scopedTo('tenant-c', '["./*"]'),
      findings: [{ severity: 'high', messageIncludes: ['none of the 2 other tenant namespaces imports it today'], check: (f) => expect(f.evidence.importingNamespaceCount).toBe(0) }],
    },
    {
      name: 'seed: shared namespace with explicit * is an intentional share (info)',
      manifests: vs('shared-egress', '["*"]'),
      config: { sharedNamespaces: ['shared-*'] },
      findings: [{ severity: 'info', namespace: 'shared-egress', messageIncludes: ['intentional share'] }],
    },
  ],
});
