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
  ],
  invalid: [
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
  ],
});
