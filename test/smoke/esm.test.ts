import { describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';

describe('module system', () => {
  it('loads the ESM-only Kubernetes client under jest', () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
    expect(typeof kc.makeApiClient(k8s.CustomObjectsApi).listClusterCustomObject).toBe('function');
  });
});
