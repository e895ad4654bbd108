import { aksMeshUpgradeInProgress } from '../../../src/rules/platform/aks-mesh-upgrade-in-progress.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, istioMesh } from './fixtures.js';

runRuleTests(aksMeshUpgradeInProgress, {
  valid: [{ name: 'one revision', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: istioMesh(['asm-1-25']) }) }],
  invalid: [
    { name: 'two revisions', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: istioMesh(['asm-1-24', 'asm-1-25']) }), findings: [{ severity: 'info', messageIncludes: ['asm-1-24, asm-1-25'] }] },
  ],
});
