import { sidecarInAmbientNamespaceRule } from '../../../src/rules/sidecar/sidecar-in-ambient-namespace.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const manifests = (labels: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: ${labels}}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-a}
spec: {egress: [{hosts: ["./*"]}]}
`;

runRuleTests(sidecarInAmbientNamespaceRule, {
  valid: [
    { name: 'sidecar-mode namespace', manifests: manifests('{istio.io/rev: asm-1-25}') },
    { name: 'other dataplane mode', manifests: manifests('{istio.io/dataplane-mode: none}') },
    // Sidecar injection wins over the ambient label (util/in_mesh.go NamespaceInAmbientMode): the Sidecar is in force.
    { name: 'ambient label with istio-injection=enabled: pods run sidecars', manifests: manifests('{istio.io/dataplane-mode: ambient, istio-injection: enabled}') },
    { name: 'ambient label with istio.io/rev: pods run sidecars', manifests: manifests('{istio.io/dataplane-mode: ambient, istio.io/rev: asm-1-25}') },
  ],
  invalid: [
    { name: 'ambient namespace', manifests: manifests('{istio.io/dataplane-mode: ambient}'), findings: [{ severity: 'info', namespace: 'tenant-a', resourceName: 'default', messageIncludes: ['no effect'] }] },
    { name: 'ambient namespace with injection explicitly disabled', manifests: manifests('{istio.io/dataplane-mode: ambient, istio-injection: disabled}'), findings: [{ resourceName: 'default' }] },
  ],
});
