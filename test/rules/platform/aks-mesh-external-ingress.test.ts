import { aksMeshExternalIngress } from '../../../src/rules/platform/aks-mesh-external-ingress.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, istioMesh } from './fixtures.js';

const gateways = (list: Array<{ mode: string; enabled: boolean }>) => armCluster({ serviceMeshProfile: istioMesh(['asm-1-25'], { components: { ingressGateways: list } }) });

runRuleTests(aksMeshExternalIngress, {
  valid: [
    { name: 'internal gateway only', manifests: NO_MANIFESTS, aksCluster: gateways([{ mode: 'Internal', enabled: true }]) },
    { name: 'external gateway disabled', manifests: NO_MANIFESTS, aksCluster: gateways([{ mode: 'External', enabled: false }]) },
  ],
  invalid: [{ name: 'external gateway enabled', manifests: NO_MANIFESTS, aksCluster: gateways([{ mode: 'External', enabled: true }, { mode: 'Internal', enabled: true }]), findings: [{ severity: 'info', messageIncludes: ['external ingress gateway'] }] }],
});
