import { aksMeshPluginCaMissing } from '../../../src/rules/platform/aks-mesh-plugin-ca-missing.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, istioMesh } from './fixtures.js';

runRuleTests(aksMeshPluginCaMissing, {
  valid: [
    {
      name: 'plugin CA from Key Vault',
      manifests: NO_MANIFESTS,
      aksCluster: armCluster({ serviceMeshProfile: istioMesh(['asm-1-25'], { certificateAuthority: { plugin: { keyVaultId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv', certObjectName: 'ca-cert' } } }) }),
    },
    { name: 'no mesh add-on: not applicable', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: { mode: 'Disabled' } }) },
  ],
  invalid: [{ name: 'self-signed CA', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: istioMesh(['asm-1-25']) }), findings: [{ severity: 'info', messageIncludes: ['self-signed'] }] }],
});
