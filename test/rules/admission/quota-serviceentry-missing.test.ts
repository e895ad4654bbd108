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
    {
      // 0 is the strictest limit there is (no ServiceEntries at all), not an absent one.
      name: 'a quota of 0 ServiceEntries limits them',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: no-serviceentries, namespace: tenant-a}
spec: {hard: {count/serviceentries.networking.istio.io: "0"}}
`,
    },
    {
      name: 'system and inferred-only namespaces are not tenants needing a quota',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
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
    {
      // Kubernetes' object-count evaluators match no scope, so a scoped quota never counts ServiceEntries.
      name: 'a scoped quota (scopes or scopeSelector) does not limit ServiceEntries; a malformed hard is ignored',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: best-effort, namespace: tenant-a}
spec: {scopes: [BestEffort], hard: {count/serviceentries.networking.istio.io: "10"}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: priority, namespace: tenant-a}
spec:
  scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: In, values: [low]}]}
  hard: {count/serviceentries.networking.istio.io: "10"}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: broken, namespace: tenant-a}
spec: {hard: [count/serviceentries.networking.istio.io]}
`,
      findings: [
        {
          namespace: 'tenant-a',
          messageIncludes: ['best-effort', 'priority', 'scoped'],
          check: (f) => expect(f.evidence.scopedQuotasIgnored).toEqual(['best-effort', 'priority']),
        },
      ],
    },
  ],
});
