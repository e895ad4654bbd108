import { expect } from '@jest/globals';
import { quotaServiceEntryMissing } from '../../../src/rules/admission/quota-serviceentry-missing.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

runRuleTests(quotaServiceEntryMissing, {
  valid: [
    {
      name: 'a quota on ServiceEntry count',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: objects, namespace: tenant-a}
spec: {hard: {count/serviceentries.networking.istio.io: "10", pods: "50"}}
`,
    },
  ],
  invalid: [
    {
      name: 'a quota on other resources only',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: tenant-a}
spec: {hard: {pods: "50"}}
`,
      findings: [
        {
          severity: 'low',
          namespace: 'tenant-a',
          check: (f) => {
            expect(f.evidence.quotas).toEqual(['compute']);
            expect(f.fix).toMatchObject({ type: 'manifest', manifest: { kind: 'ResourceQuota', metadata: { namespace: 'tenant-a' }, spec: { hard: { 'count/serviceentries.networking.istio.io': '20' } } } });
          },
        },
      ],
    },
  ],
});
