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
const dr = (namespace: string, host: string, exportTo?: string, name = 'dr') => `
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  host: "${host}"${exportTo ? `\n  exportTo: ${exportTo}` : ''}
  trafficPolicy: {tls: {mode: DISABLE}}
`;

runRuleTests(destinationRuleForeignHostRule, {
  valid: [
    { name: 'targets its own Service', manifests: ns('tenant-a', 'tenant-b') + services + dr('tenant-b', 'payments') },
    { name: 'mesh-wide *.local policy in the root namespace', manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', '*.local') },
    { name: 'a host nobody owns', manifests: ns('tenant-a') + services + dr('tenant-a', 'unknown.example.com') },
    // PushContext.destinationRule: the service's namespace (step 2) comes before the root namespace (step 3).
    {
      name: "a root rule hidden for every client by the host owner's exported rule",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local') + dr('tenant-b', 'payments', undefined, 'own'),
    },
    {
      // The order of the places beats specificity: the owner's wildcard hides root's exact rule.
      name: "a root rule for the exact host hidden by the owner's exported wildcard rule",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local') + dr('tenant-b', '*.tenant-b.svc.cluster.local', undefined, 'own'),
    },
    {
      name: "a root rule hidden by each client's own rule",
      // Each client's *.local covers the Services of two other tenants: a mesh-wide policy of its own, not reported either.
      manifests:
        ns('tenant-a', 'tenant-b', 'tenant-c') +
        services +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: tenant-a}\nspec: {ports: [{port: 80}]}\n' +
        dr('istio-system', 'payments.tenant-b.svc.cluster.local') +
        dr('tenant-a', '*.local', '["."]', 'mine') +
        dr('tenant-c', '*.local', '["."]', 'mine'),
    },
    {
      // Step 1 reads tenant-a's namespaceLocal rules: a rule exported only to tenant-c is not among them, and tenant-a is neither the service's nor the root namespace.
      name: 'a tenant rule exported only to other namespaces applies nowhere',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('tenant-a', 'payments.tenant-b.svc.cluster.local', '[tenant-c]'),
    },
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
    {
      name: "a client's own rule for the host hides the root rule for that client only",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local') + dr('tenant-c', 'payments.tenant-b.svc.cluster.local', '["."]', 'mine'),
      findings: [
        { severity: 'high', namespace: 'istio-system', affectedNamespaces: ['tenant-a'] },
        { severity: 'low', namespace: 'tenant-c', resourceName: 'mine', affectedNamespaces: ['tenant-c'] },
      ],
    },
    {
      // getExportedDestinationRuleFromNamespace filters exportTo after the most specific match: tenant-a gets the owner's rule, tenant-c falls through to root.
      name: "the owner's rule exported by name hides the root rule only where it is exported",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', 'payments.tenant-b.svc.cluster.local') + dr('tenant-b', 'payments', '[".", tenant-a]', 'own'),
      findings: [{ severity: 'high', namespace: 'istio-system', affectedNamespaces: ['tenant-c'] }],
    },
    {
      // MostSpecificHostMatch in tenant-a's own rules: the exact host beats the wildcard, which configures nothing of tenant-b's then.
      name: "a tenant's wildcard rule hidden by its own exact rule for the only host it covers",
      manifests: ns('tenant-a', 'tenant-b') + services + dr('tenant-a', '*.tenant-b.svc.cluster.local', '["."]', 'wide') + dr('tenant-a', 'payments.tenant-b.svc.cluster.local', '["."]', 'exact'),
      findings: [{ severity: 'low', resourceName: 'exact', affectedNamespaces: ['tenant-a'] }],
    },
    {
      name: "a root wildcard rule for one tenant's hosts is the fallback for clients without a rule of their own",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + services + dr('istio-system', '*.tenant-b.svc.cluster.local') + dr('tenant-a', 'payments.tenant-b.svc.cluster.local', '["."]', 'mine'),
      findings: [
        { severity: 'high', namespace: 'istio-system', affectedNamespaces: ['tenant-c'] },
        { severity: 'low', namespace: 'tenant-a', resourceName: 'mine' },
      ],
    },
  ],
});
