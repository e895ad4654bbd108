import { exportToUnknownNamespaceRule } from '../../../src/rules/exposure/exportto-unknown-namespace.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const namespaces = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b}
`;
const se = (exportTo: string) => `
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: tenant-a}
spec: {hosts: [api.example.com], exportTo: ${exportTo}}
`;

runRuleTests(exportToUnknownNamespaceRule, {
  valid: [
    { name: 'names existing namespaces', manifests: namespaces + se('[".", "tenant-b"]') },
    { name: 'no Namespace objects read: existence unknown, no finding', manifests: se('["tenant-z"]') },
  ],
  invalid: [
    {
      name: 'names a namespace nobody created yet',
      manifests: namespaces + se('[".", "tenant-z", "tenant-b"]'),
      findings: [{ severity: 'medium', namespace: 'tenant-a', affectedNamespaces: ['tenant-z'], subjectKey: 'tenant-z', messageIncludes: ['tenant-z'] }],
    },
    {
      name: 'names several namespaces nobody created, listed in order',
      manifests: namespaces + se('["tenant-z", ".", "tenant-b", "tenant-q"]'),
      findings: [{ namespace: 'tenant-a', affectedNamespaces: ['tenant-q', 'tenant-z'], subjectKey: 'tenant-q,tenant-z', messageIncludes: ['2 namespaces', 'tenant-q and tenant-z'] }],
    },
    {
      name: 'a Service annotation naming an unknown namespace',
      manifests: `${namespaces}
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-b, annotations: {networking.istio.io/exportTo: "., tenant-q"}}
spec: {ports: [{port: 80}]}
`,
      findings: [{ resourceKind: 'Service', affectedNamespaces: ['tenant-q'] }],
    },
  ],
});
