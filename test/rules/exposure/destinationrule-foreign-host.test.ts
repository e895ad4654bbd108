import { destinationRuleForeignHostRule } from '../../../src/rules/exposure/destinationrule-foreign-host.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const services = `
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-b}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: tenant-c}
spec: {ports: [{port: 80}]}
`;
const dr = (namespace: string, host: string, exportTo?: string) => `
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr, namespace: ${namespace}}
spec:
  host: "${host}"${exportTo ? `\n  exportTo: ${exportTo}` : ''}
  trafficPolicy: {tls: {mode: DISABLE}}
`;

runRuleTests(destinationRuleForeignHostRule, {
  valid: [
    { name: 'targets its own Service', manifests: ns('tenant-a', 'tenant-b') + services + dr('tenant-b', 'payments') },
    { name: 'mesh-wide *.local policy in the root namespace', manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', '*.local') },
    { name: 'a host nobody owns', manifests: ns('tenant-a') + services + dr('tenant-a', 'unknown.example.com') },
  ],
  invalid: [
    {
      name: "a tenant targets another tenant's Service (low: own clients only)",
      manifests: ns('tenant-a', 'tenant-b') + services + dr('tenant-a', 'payments.tenant-b.svc.cluster.local'),
      findings: [{ severity: 'low', namespace: 'tenant-a', affectedNamespaces: ['tenant-a'], subjectKey: 'payments.tenant-b.svc.cluster.local' }],
    },
    {
      name: 'the root namespace targets a tenant Service (high: fallback for every client)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local'),
      findings: [{ severity: 'high', namespace: 'istio-system', affectedNamespaces: ['tenant-a', 'tenant-c'], messageIncludes: ['root namespace'] }],
    },
    {
      // push_context.go setDestinationRules: a root rule exported only to "." goes to rootNamespaceLocal, which only root's proxies read.
      name: 'a root-namespace rule private to the root namespace is not a fallback for tenants (low)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local', '["."]'),
      findings: [{ severity: 'low', namespace: 'istio-system', affectedNamespaces: ['istio-system'] }],
    },
    {
      name: 'a root-namespace rule exported by name is the fallback for those namespaces only',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local', '[tenant-a]'),
      findings: [{ severity: 'high', affectedNamespaces: ['tenant-a'] }],
    },
  ],
});
