import { expect } from '@jest/globals';
import { aksMeshRevisionUnsupported } from '../../../src/rules/platform/aks-mesh-revision-unsupported.js';
import type { MeshRevisionProfile } from '../../../src/snapshot/types.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, istioMesh } from './fixtures.js';

const profile: MeshRevisionProfile = {
  revisions: [
    { revision: 'asm-1-24', upgrades: ['asm-1-25'], compatibleWith: [{ name: 'kubernetes', versions: ['1.29', '1.30', '1.31'] }] },
    { revision: 'asm-1-25', upgrades: ['asm-1-26'], compatibleWith: [{ name: 'kubernetes', versions: ['1.30', '1.31', '1.32'] }] },
    { revision: 'asm-1-26', compatibleWith: [{ name: 'kubernetes', versions: ['1.31', '1.32', '1.33'] }] },
  ],
};

runRuleTests(aksMeshRevisionUnsupported, {
  valid: [
    { name: 'installed revision is supported', manifests: NO_MANIFESTS, meshRevisionProfile: profile, aksCluster: armCluster({ kubernetesVersion: '1.30.4', serviceMeshProfile: istioMesh(['asm-1-25']) }) },
    { name: 'no revision profile: cannot tell', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: istioMesh(['asm-1-18']) }) },
  ],
  invalid: [
    {
      name: 'an old revision: recommend the oldest newer one that runs on this Kubernetes version',
      manifests: NO_MANIFESTS,
      meshRevisionProfile: profile,
      aksCluster: armCluster({ currentKubernetesVersion: '1.32.1', kubernetesVersion: '1.32', serviceMeshProfile: istioMesh(['asm-1-22']) }),
      findings: [
        {
          severity: 'high',
          subjectKey: 'asm-1-22',
          messageIncludes: ['asm-1-22', 'move to asm-1-25'],
          check: (f) => {
            expect(f.evidence.upgradeTargets).toEqual(['asm-1-24', 'asm-1-25', 'asm-1-26']);
            expect(f.remediation).toContain('--revision asm-1-25');
          },
        },
      ],
    },
    {
      name: 'canary with one unsupported revision',
      manifests: NO_MANIFESTS,
      meshRevisionProfile: profile,
      aksCluster: armCluster({ kubernetesVersion: '1.30.4', serviceMeshProfile: istioMesh(['asm-1-23', 'asm-1-24']) }),
      findings: [{ subjectKey: 'asm-1-23', messageIncludes: ['move to asm-1-24'] }],
    },
  ],
});
