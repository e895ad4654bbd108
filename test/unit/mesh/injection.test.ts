import { describe, expect, it } from '@jest/globals';
import { installedRevisions, namespaceInjection } from '../../../src/mesh/injection.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

describe('namespace injection', () => {
  it('upstream: istio-injection wins over istio.io/rev; disabled disables', () => {
    expect(namespaceInjection({ 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }, false)).toEqual({ injected: true, how: 'istio-injection=enabled' });
    expect(namespaceInjection({ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, false).injected).toBe(false);
    expect(namespaceInjection({ 'istio.io/rev': 'canary' }, false)).toEqual({ injected: true, how: 'istio.io/rev=canary' });
    expect(namespaceInjection({ 'istio.io/dataplane-mode': 'ambient' }, false).injected).toBe(true);
  });

  it('AKS add-on: only istio.io/rev without istio-injection', () => {
    expect(namespaceInjection({ 'istio.io/rev': 'asm-1-25' }, true).injected).toBe(true);
    expect(namespaceInjection({ 'istio-injection': 'enabled' }, true).injected).toBe(false);
    expect(namespaceInjection({ 'istio-injection': 'enabled', 'istio.io/rev': 'asm-1-25' }, true).injected).toBe(false);
    expect(namespaceInjection({ 'istio.io/dataplane-mode': 'ambient' }, true).injected).toBe(false);
  });

  it('installed revisions: ARM first, else mesh ConfigMaps (not the shared, injector or CA ones)', () => {
    const configMaps = `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-asm-1-24, namespace: aks-istio-system}
data: {mesh: "defaultConfig: {}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-shared-configmap-asm-1-24, namespace: aks-istio-system}
data: {mesh: "{}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector-asm-1-24, namespace: aks-istio-system}
data: {config: "{}", values: "{}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-ca-root-cert, namespace: aks-istio-system}
`;
    expect(installedRevisions(snapshotFromYaml({ manifests: configMaps, meshConfig: { rootNamespace: 'aks-istio-system' } }))).toEqual(['asm-1-24']);
    expect(installedRevisions(snapshotFromYaml({ manifests: configMaps, aksCluster: { properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-25'] } } } } }))).toEqual(['asm-1-25']);
  });
});
