import { expect } from '@jest/globals';
import { exportToMissingRule } from '../../../src/rules/exposure/exportto-missing.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const tenantSe = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner-api, namespace: tenant-a}
spec:
  hosts: [api.partner.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`;

runRuleTests(exportToMissingRule, {
  valid: [
    { name: 'explicit exportTo ["."]', manifests: tenantSe.replace('resolution: DNS', 'resolution: DNS\n  exportTo: ["."]') },
    { name: 'system namespace objects are skipped', manifests: tenantSe.replace('tenant-a', 'kube-system') },
    {
      name: 'a DestinationRule with workloadSelector is never exported beyond its namespace',
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr, namespace: tenant-a}
spec: {host: api, workloadSelector: {matchLabels: {app: x}}}
`,
    },
  ],
  invalid: [
    {
      name: 'seed: tenant ServiceEntry without exportTo and no mesh default',
      manifests: `${tenantSe}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-b}\n`,
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          resourceKind: 'ServiceEntry',
          resourceName: 'partner-api',
          // Exported everywhere by the default; tenant-b's proxies (no Sidecar) import it today.
          affectedNamespaces: ['tenant-b'],
          messageIncludes: ['no exportTo', 'every namespace'],
          check: (f) => {
            expect(f.evidence).toMatchObject({ effectiveExportTo: ['*'], istioVersionAssumed: '1.30.3' });
            expect(f.evidence.exportToSource).toContain('defaultServiceExportTo');
            expect(f.fix).toEqual({ type: 'merge-patch', target: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'partner-api', namespace: 'tenant-a' }, patch: { spec: { exportTo: ['.'] } } });
          },
        },
      ],
    },
    {
      name: 'a shared namespace without explicit exportTo is not an intentional share',
      manifests: tenantSe.replace('tenant-a', 'shared-egress'),
      config: { sharedNamespaces: ['shared-egress'] },
      findings: [{ severity: 'high', namespace: 'shared-egress' }],
    },
    {
      name: 'DestinationRule without exportTo is medium',
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr, namespace: tenant-a}
spec: {host: api.partner.example.com}
`,
      findings: [{ severity: 'medium', resourceKind: 'DestinationRule' }],
    },
    {
      name: 'seed: restrictive mesh defaults make it low (compliant today)',
      manifests: tenantSe,
      meshConfig: { defaultServiceExportTo: ['.'], fieldSources: { defaultServiceExportTo: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25' } },
      findings: [
        {
          severity: 'low',
          affectedNamespaces: [],
          messageIncludes: ['would widen'],
          check: (f) => expect(f.evidence.exportToSource).toBe('mesh-default (defaultServiceExportTo from configmap:aks-istio-system/istio-shared-configmap-asm-1-25)'),
        },
      ],
    },
    {
      name: 'a names-only default before 1.30.3 hides the object everywhere (low)',
      manifests: tenantSe,
      istioVersion: '1.25',
      meshConfig: { defaultServiceExportTo: ['tenant-b'] },
      findings: [
        {
          severity: 'low',
          messageIncludes: ['visible in no namespace'],
          check: (f) => expect(f.evidence).toMatchObject({ istioVersionAssumed: '1.25', exportToInterpretation: expect.stringContaining('no namespace') }),
        },
      ],
    },
    {
      name: 'the message counts the tenant namespaces that import it',
      manifests: `${['tenant-a', 'tenant-b', 'tenant-c'].map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('')}---\n${tenantSe}`,
      findings: [{ severity: 'high', messageIncludes: ['all 2 other tenant namespaces import it (tenant-b and tenant-c)'], check: (f) => expect(f.evidence.importingNamespaceCount).toBe(2) }],
    },
    {
      name: "a DestinationRule for another namespace's host says why nobody imports it",
      manifests: `
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-b}
spec: {ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr, namespace: tenant-a}
spec: {host: payments.tenant-b.svc.cluster.local}
`,
      findings: [{ severity: 'medium', messageIncludes: ['only for services of that namespace'], check: (f) => expect(f.evidence.importingNamespaceCount).toBe(0) }],
    },
    {
      name: 'the same names-only default from 1.30.3 exports to the named namespace (high)',
      manifests: tenantSe,
      istioVersion: '1.30.3',
      meshConfig: { defaultServiceExportTo: ['tenant-b'] },
      findings: [{ severity: 'high', affectedNamespaces: ['tenant-b'] }],
    },
  ],
});
