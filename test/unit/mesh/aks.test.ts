import { describe, expect, it } from '@jest/globals';
import { aksSetting, getIgnoringCase, readAksFacts } from '../../../src/inventory/aks-facts.js';
import { upgradeAdvice } from '../../../src/mesh/aks.js';

describe('AKS ManagedCluster reading', () => {
  const armGet = {
    name: 'c1',
    properties: {
      kubernetesVersion: '1.30',
      currentKubernetesVersion: '1.30.4',
      disableLocalAccounts: true,
      serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-25'], components: { ingressGateways: [{ mode: 'External', enabled: true }] } } },
      addonProfiles: { azurepolicy: { enabled: true } },
      apiServerAccessProfile: { authorizedIPRanges: ['10.0.0.0/8'] },
      aadProfile: { managed: true, enableAzureRbac: true, adminGroupObjectIDs: ['g1'] },
    },
  };
  const azShow = {
    name: 'c1',
    kubernetesVersion: '1.30',
    currentKubernetesVersion: '1.30.4',
    disableLocalAccounts: true,
    serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-25'], components: { ingressGateways: [{ mode: 'External', enabled: true }] } } },
    addonProfiles: { azurePolicy: { enabled: true } },
    apiServerAccessProfile: { authorizedIpRanges: ['10.0.0.0/8'] },
    aadProfile: { managed: true, enableAzureRbac: true, adminGroupObjectIDs: ['g1'] },
  };

  it('reads the same facts from the ARM GET shape and the az aks show shape', () => {
    expect(readAksFacts(azShow)).toEqual(readAksFacts(armGet));
    expect(readAksFacts(armGet)).toMatchObject({
      clusterName: 'c1',
      kubernetesVersion: '1.30.4',
      meshMode: 'Istio',
      revisions: ['asm-1-25'],
      azurePolicyEnabled: true,
      disableLocalAccounts: true,
      authorizedIpRanges: ['10.0.0.0/8'],
      adminGroupObjectIds: ['g1'],
      ingressGateways: [{ mode: 'External', enabled: true }],
    });
  });

  it('leaves absent fields undefined (unknown is not false) and tolerates wrong types', () => {
    const facts = readAksFacts({ properties: { disableLocalAccounts: 'yes', serviceMeshProfile: 'Istio', addonProfiles: [] } }, 'fallback');
    expect(facts).toMatchObject({ clusterName: 'fallback', revisions: [], ingressGateways: [], disableLocalAccounts: undefined, azurePolicyEnabled: undefined, meshMode: undefined });
  });

  it('matches keys case-insensitively and prefers properties over the top level', () => {
    expect(getIgnoringCase({ AzurePolicy: 1 }, 'azurepolicy')).toBe(1);
    expect(aksSetting({ properties: { x: 1 }, x: 2 }, ['x'])).toBe(1);
    expect(aksSetting({ x: 2 }, ['x'])).toBe(2);
  });
});

describe('upgradeAdvice', () => {
  const profile = {
    revisions: [
      { revision: 'asm-1-9', compatibleWith: [{ name: 'kubernetes', versions: ['1.28'] }] },
      { revision: 'asm-1-25', compatibleWith: [{ name: 'kubernetes', versions: ['1.30', '1.31'] }] },
      { revision: 'asm-1-26', compatibleWith: [{ name: 'kubernetes', versions: ['1.31', '1.32'] }] },
    ],
  };
  it('orders revisions numerically (asm-1-9 < asm-1-25) and keeps newer ones only', () => {
    expect(upgradeAdvice('asm-1-20', profile, undefined)).toEqual({ targets: ['asm-1-25', 'asm-1-26'], recommended: 'asm-1-25' });
  });
  it('recommends the oldest newer revision compatible with the Kubernetes version', () => {
    expect(upgradeAdvice('asm-1-20', profile, '1.32.0').recommended).toBe('asm-1-26');
    expect(upgradeAdvice('asm-1-20', profile, '1.29.0').recommended).toBeUndefined();
  });
});

describe('AKS managed Gateway API (ingressProfile, api-version 2026-02-01+)', () => {
  it('reads ingressProfile.gatewayAPI.installation and the App Routing Istio mode from both shapes', () => {
    const ingressProfile = { gatewayAPI: { installation: 'Standard' }, webAppRouting: { enabled: true, gatewayAPIImplementations: { appRoutingIstio: { mode: 'Enabled' } } } };
    expect(readAksFacts({ name: 'c', properties: { ingressProfile } })).toMatchObject({ managedGatewayApi: 'Standard', appRoutingIstio: 'Enabled' });
    expect(readAksFacts({ name: 'c', ingressProfile: { gatewayApi: { installation: 'Disabled' } } })).toMatchObject({ managedGatewayApi: 'Disabled', appRoutingIstio: undefined });
  });

  it('leaves it unknown when absent or mistyped', () => {
    expect(readAksFacts({ name: 'c', properties: {} }).managedGatewayApi).toBeUndefined();
    expect(readAksFacts({ name: 'c', properties: { ingressProfile: { gatewayAPI: { installation: 3 } } } }).managedGatewayApi).toBeUndefined();
  });
});
