import { expect } from '@jest/globals';
import { meshOutboundAllowAnyRule } from '../../../src/rules/mesh/mesh-outbound-allow-any.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

runRuleTests(meshOutboundAllowAnyRule, {
  valid: [{ name: 'REGISTRY_ONLY', manifests: '', meshConfig: { outboundTrafficPolicyMode: 'REGISTRY_ONLY' } }],
  invalid: [
    { name: 'unset (the Istio default)', manifests: '', findings: [{ severity: 'medium', messageIncludes: ['unset (ALLOW_ANY)'], check: (f) => expect(f.evidence).toMatchObject({ mode: null, meshConfigSource: 'default' }) }] },
    {
      name: 'explicit ALLOW_ANY from a ConfigMap',
      manifests: '',
      meshConfig: { outboundTrafficPolicyMode: 'ALLOW_ANY', fieldSources: { outboundTrafficPolicy: 'configmap:istio-system/istio' } },
      findings: [{ resourceKind: 'ConfigMap', resourceName: 'istio', check: (f) => expect(f.evidence.meshConfigSource).toBe('configmap:istio-system/istio') }],
    },
  ],
});
