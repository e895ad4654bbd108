import { aksApiServerUnrestricted } from '../../../src/rules/platform/aks-api-server-unrestricted.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, azCliCluster } from './fixtures.js';

runRuleTests(aksApiServerUnrestricted, {
  valid: [
    { name: 'private cluster', manifests: NO_MANIFESTS, aksCluster: armCluster({ apiServerAccessProfile: { enablePrivateCluster: true } }) },
    { name: 'authorized ranges (ARM key authorizedIPRanges)', manifests: NO_MANIFESTS, aksCluster: armCluster({ apiServerAccessProfile: { authorizedIPRanges: ['203.0.113.0/24'] } }) },
    { name: 'authorized ranges (az CLI key authorizedIpRanges)', manifests: NO_MANIFESTS, aksCluster: azCliCluster({ apiServerAccessProfile: { authorizedIpRanges: ['203.0.113.0/24'], enablePrivateCluster: false } }) },
  ],
  invalid: [
    { name: 'public, no ranges', manifests: NO_MANIFESTS, aksCluster: armCluster({ apiServerAccessProfile: { enablePrivateCluster: false } }), findings: [{ severity: 'medium', messageIncludes: ['no authorized IP ranges'] }] },
    { name: 'public, 0.0.0.0/0 restricts nothing', manifests: NO_MANIFESTS, aksCluster: armCluster({ apiServerAccessProfile: { authorizedIPRanges: ['0.0.0.0/0'] } }), findings: [{ messageIncludes: ['0.0.0.0/0'] }] },
  ],
});
