import { describe, expect, it } from '@jest/globals';
import { installedRevisions, isAmbientLabelled, namespaceInjection, namespacesEnabledByDefault } from '../../../src/mesh/injection.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

describe('namespace injection', () => {
  it('upstream: istio-injection wins over istio.io/rev; disabled disables', () => {
    expect(namespaceInjection({ 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }, false)).toEqual({ injected: true, mode: 'sidecar', how: 'istio-injection=enabled' });
    expect(namespaceInjection({ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, false).injected).toBe(false);
    expect(namespaceInjection({ 'istio.io/rev': 'canary' }, false)).toEqual({ injected: true, mode: 'sidecar', how: 'istio.io/rev=canary' });
    expect(namespaceInjection({ 'istio.io/dataplane-mode': 'ambient' }, false)).toMatchObject({ injected: true, mode: 'ambient' });
  });

  it('an injection label wins over the ambient label: pods get sidecars (cni enablement_selector.go skips pods with a sidecar)', () => {
    expect(namespaceInjection({ 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }, false)).toEqual({ injected: true, mode: 'sidecar', how: 'istio-injection=enabled', ambientLabelIgnored: true });
    expect(namespaceInjection({ 'istio.io/rev': 'canary', 'istio.io/dataplane-mode': 'ambient' }, false)).toMatchObject({ mode: 'sidecar', ambientLabelIgnored: true });
    expect(namespaceInjection({ 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' }, false)).toMatchObject({ injected: true, mode: 'ambient' });
    expect(isAmbientLabelled({ 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' })).toBe(false);
    expect(isAmbientLabelled({ 'istio.io/rev': 'x', 'istio.io/dataplane-mode': 'ambient' })).toBe(false);
    expect(isAmbientLabelled({ 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' })).toBe(true);
  });

  it('enableNamespacesByDefault injects unlabelled namespaces, except those the auto webhook leaves out and explicit opt-outs', () => {
    const defaults = { enabledByDefault: 'ConfigMap istio-system/istio-sidecar-injector' };
    expect(namespaceInjection({}, false, {}, { ...defaults, namespace: 'tenant-a' })).toMatchObject({ injected: true, mode: 'sidecar', how: 'sidecarInjectorWebhook.enableNamespacesByDefault (ConfigMap istio-system/istio-sidecar-injector)' });
    expect(namespaceInjection({}, false, {}, { ...defaults, namespace: 'kube-system' }).injected).toBe(false);
    expect(namespaceInjection({ 'istio-injection': 'disabled' }, false, {}, { ...defaults, namespace: 'tenant-a' }).injected).toBe(false);
    expect(namespaceInjection({}, false, {}, { namespace: 'tenant-a' }).injected).toBe(false);
  });

  it('reads enableNamespacesByDefault from the default revision injector, or the revision the "default" tag points at', () => {
    const injector = (name: string, flag: boolean) => `
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: istio-system}
data: {values: '{"sidecarInjectorWebhook": {"enableNamespacesByDefault": ${flag}}}'}
`;
    expect(namespacesEnabledByDefault(snapshotFromYaml({ manifests: injector('istio-sidecar-injector', true) }))).toBe('ConfigMap istio-system/istio-sidecar-injector');
    expect(namespacesEnabledByDefault(snapshotFromYaml({ manifests: injector('istio-sidecar-injector', false) }))).toBeUndefined();
    // A revisioned install renders the auto webhook only for the revision the "default" tag points at.
    expect(namespacesEnabledByDefault(snapshotFromYaml({ manifests: injector('istio-sidecar-injector-canary', true) }))).toBeUndefined();
    const tag = `
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-revision-tag-default, labels: {istio.io/tag: default, istio.io/rev: canary}}
`;
    expect(namespacesEnabledByDefault(snapshotFromYaml({ manifests: injector('istio-sidecar-injector-canary', true) + tag }))).toBe('ConfigMap istio-system/istio-sidecar-injector-canary');
    // Unparseable values are no evidence either way.
    expect(namespacesEnabledByDefault(snapshotFromYaml({ manifests: injector('istio-sidecar-injector', true).replace("'{", "'{{") }))).toBeUndefined();
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
