import { expect } from '@jest/globals';
import { sidecarOutboundAllowAnyRule } from '../../../src/rules/sidecar/sidecar-outbound-allow-any.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const sidecar = (policy: string) => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-a}
spec:
  egress: [{hosts: ["./*"]}]
${policy}`;

runRuleTests(sidecarOutboundAllowAnyRule, {
  valid: [
    { name: 'REGISTRY_ONLY', manifests: sidecar('  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n') },
    { name: 'an empty policy means REGISTRY_ONLY', manifests: sidecar('  outboundTrafficPolicy: {}\n') },
    { name: 'no policy inherits the mesh', manifests: sidecar('') },
  ],
  invalid: [
    {
      name: 'ALLOW_ANY overriding a REGISTRY_ONLY mesh',
      manifests: sidecar('  outboundTrafficPolicy: {mode: ALLOW_ANY}\n'),
      meshConfig: { outboundTrafficPolicyMode: 'REGISTRY_ONLY', fieldSources: { outboundTrafficPolicyMode: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25' } },
      findings: [
        {
          severity: 'medium',
          messageIncludes: ['overriding the mesh-wide REGISTRY_ONLY'],
          check: (f) => {
            expect(f.evidence).toMatchObject({ overridesRegistryOnly: true, meshModeSource: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25' });
            expect(f.fix).toMatchObject({ patch: { spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } } });
          },
        },
      ],
    },
    { name: 'ALLOW_ANY on an ALLOW_ANY mesh', manifests: sidecar('  outboundTrafficPolicy: {mode: ALLOW_ANY}\n'), findings: [{ check: (f) => expect(f.evidence.overridesRegistryOnly).toBe(false) }] },
  ],
});
