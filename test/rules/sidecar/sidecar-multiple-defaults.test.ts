import { expect } from '@jest/globals';
import { sidecarMultipleDefaultsRule } from '../../../src/rules/sidecar/sidecar-multiple-defaults.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const sidecar = (name: string, created: string, extra = '') => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ${name}, namespace: tenant-a, creationTimestamp: "${created}"}
spec:
${extra}  egress: [{hosts: ["./*"]}]
`;

runRuleTests(sidecarMultipleDefaultsRule, {
  valid: [
    { name: 'one default plus workload Sidecars', manifests: sidecar('default', '2024-01-01T00:00:00Z') + sidecar('legacy', '2023-01-01T00:00:00Z', '  workloadSelector: {labels: {app: legacy}}\n') },
    {
      name: 'two selector-less Sidecars in an ambient namespace: no sidecar uses either (sidecar-in-ambient-namespace)',
      manifests: '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-a, labels: {istio.io/dataplane-mode: ambient}}\n' + sidecar('strict', '2024-05-01T00:00:00Z') + sidecar('default', '2023-01-01T00:00:00Z'),
    },
    { name: 'one Sidecar with a label-less workloadSelector alone', manifests: sidecar('everyone', '2024-01-01T00:00:00Z', '  workloadSelector: {labels: {}}\n') },
  ],
  invalid: [
    {
      // A sidecar injection label wins over the ambient one (injection.ts isAmbientLabelled): sidecars run, the rule applies.
      name: 'two selector-less Sidecars in a namespace labelled ambient and istio-injection=enabled',
      manifests: '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-a, labels: {istio.io/dataplane-mode: ambient, istio-injection: enabled}}\n' + sidecar('strict', '2024-05-01T00:00:00Z') + sidecar('default', '2023-01-01T00:00:00Z'),
      findings: [{ resourceName: 'default' }, { resourceName: 'strict', subjectKey: 'ignored:strict' }],
    },
    {
      name: 'two selector-less Sidecars: the oldest is named',
      manifests: sidecar('strict', '2024-05-01T00:00:00Z') + sidecar('default', '2023-01-01T00:00:00Z'),
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          resourceName: 'default',
          messageIncludes: ['oldest, default', 'ignores strict'],
          check: (f) => expect(f.evidence).toMatchObject({ used: 'default', ignored: ['strict'] }),
        },
        // The ignored one is reported on its own object too (istioctl analyze sidecar-default-selector flags both).
        { severity: 'high', resourceName: 'strict', subjectKey: 'ignored:strict', messageIncludes: ['Sidecar tenant-a/strict has no workloadSelector and is ignored', 'older default'] },
      ],
    },
    {
      // Istio tries selector Sidecars before selector-less ones and an empty selector matches every
      // workload (push_context.go initSidecarScopes / doGetSidecarScope); istioctl analyze's
      // sidecar.SelectorAnalyzer counts such a Sidecar as namespace-wide too.
      name: 'a newer Sidecar with a label-less workloadSelector beside a selector-less one: the label-less one is used',
      manifests: sidecar('default', '2023-01-01T00:00:00Z') + sidecar('everyone', '2024-05-01T00:00:00Z', '  workloadSelector: {labels: {}}\n'),
      findings: [
        {
          severity: 'high',
          resourceName: 'everyone',
          messageIncludes: ['2 Sidecars that apply to every workload', 'Istio uses everyone', 'ignores default'],
          check: (f) => expect(f.evidence).toMatchObject({ used: 'everyone', ignored: ['default'] }),
        },
        { severity: 'high', resourceName: 'default', subjectKey: 'ignored:default', messageIncludes: ['tenant-a/default applies to every workload and is ignored'] },
      ],
    },
    {
      name: 'two Sidecars with an empty workloadSelector: the oldest is used',
      manifests: sidecar('late', '2024-05-01T00:00:00Z', '  workloadSelector: {}\n') + sidecar('early', '2023-01-01T00:00:00Z', '  workloadSelector: {labels: {}}\n'),
      findings: [
        { severity: 'high', resourceName: 'early', check: (f) => expect(f.evidence).toMatchObject({ used: 'early', ignored: ['late'] }) },
        { severity: 'high', resourceName: 'late', subjectKey: 'ignored:late' },
      ],
    },
  ],
});
