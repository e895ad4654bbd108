/**
 * `--write-fixes` for the ingress rules: the merge patches land on the objects as read and
 * give complete manifests (restricted Gateway hosts, named ReferenceGrant targets).
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { defaultConfig } from '../../../src/config/types.js';
import { buildFixManifests } from '../../../src/report/fixes.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { loadDemoFleet } from '../../../src/snapshot/offline.js';

describe('ingress fixes on the aks-shared-ingress demo', () => {
  const { snapshot } = loadDemoFleet().find(({ snapshot: s }) => s.cluster.name === 'aks-shared-ingress')!;
  const files = buildFixManifests(evaluateSnapshot(snapshot, defaultConfig()), snapshot);
  const manifest = (kind: string, name: string) => files.find((file) => file.manifest.kind === kind && (file.manifest.metadata as { name: string }).name === name)?.manifest;

  it('restricts every host of the shared Gateway to the namespace that binds it today; the claimed host stays with its first owner', () => {
    const gateway = manifest('Gateway', 'public') as { apiVersion: string; spec: { selector: unknown; servers: Array<{ hosts: string[]; port: unknown }> } };
    expect(gateway.apiVersion).toBe('networking.istio.io/v1');
    expect(gateway.spec.selector).toEqual({ istio: 'aks-istio-ingressgateway-external' });
    expect(gateway.spec.servers).toEqual([{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['team-blog/blog.example.com', 'team-shop/shop.example.com'] }]);
  });

  it('names the Service the open ReferenceGrant is used for', () => {
    expect((manifest('ReferenceGrant', 'allow-ingress') as { spec: unknown }).spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'aks-istio-ingress' }],
      to: [{ group: '', kind: 'Service', name: 'storefront' }],
    });
  });

  it('writes no fix for the listener two tenants use (not mechanical)', () => {
    expect(manifest('Gateway', 'api')).toBeUndefined();
    expect(parse(JSON.stringify(files.map((file) => file.path)))).not.toContain(undefined);
  });
});
