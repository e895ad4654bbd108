import { expect } from '@jest/globals';
import { meshMtlsNotStrictRule } from '../../../src/rules/mesh/mesh-mtls-not-strict.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const pa = (namespace: string, name: string, mode: string, extra = '') => `
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${namespace}${extra}}
spec:
  mtls: {mode: ${mode}}
`;
const aks = { rootNamespace: 'aks-istio-system' };

runRuleTests(meshMtlsNotStrictRule, {
  valid: [{ name: 'STRICT in the root namespace', manifests: pa('aks-istio-system', 'default', 'STRICT'), meshConfig: aks }],
  invalid: [
    {
      name: 'no mesh-wide policy: fix is a STRICT default manifest',
      manifests: pa('tenant-a', 'default', 'STRICT'),
      meshConfig: aks,
      findings: [
        {
          severity: 'medium',
          namespace: 'aks-istio-system',
          messageIncludes: ['no mesh-wide PeerAuthentication'],
          check: (f) => expect(f.fix).toMatchObject({ type: 'manifest', manifest: { kind: 'PeerAuthentication', metadata: { namespace: 'aks-istio-system' }, spec: { mtls: { mode: 'STRICT' } } } }),
        },
      ],
    },
    { name: 'PERMISSIVE mesh-wide', manifests: pa('aks-istio-system', 'default', 'PERMISSIVE'), meshConfig: aks, findings: [{ resourceName: 'default', messageIncludes: ['PERMISSIVE'] }] },
    {
      name: 'the oldest of two mesh-wide policies is the one used',
      manifests: pa('aks-istio-system', 'strict', 'STRICT', ', creationTimestamp: "2024-01-01T00:00:00Z"') + pa('aks-istio-system', 'legacy', 'PERMISSIVE', ', creationTimestamp: "2023-01-01T00:00:00Z"'),
      meshConfig: aks,
      findings: [{ resourceName: 'legacy' }],
    },
  ],
});
