/** The pure parts of the live collector and of the double's RBAC evaluator. */
import diagnostics from 'node:diagnostics_channel';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { retryAfterMs } from '../../../src/access/kube-http.js';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { DEFAULT_CONCURRENCY, collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { parseGroupList, versionsToTry } from '../../../src/snapshot/live/discovery.js';
import { knownRevisions, meshConfigMapNames, rootNamespaceCandidates } from '../../../src/snapshot/live/mesh-configmaps.js';
import { SNAPSHOT_KINDS, type K8sObject } from '../../../src/snapshot/types.js';
import { startKubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { rbacAllows, ruleAllows } from '../../doubles/kube-apiserver/rbac.js';
import { DEMO_DIR, FAST_HTTP, REPO_ROOT } from './helpers.js';

function object(raw: Record<string, unknown>): K8sObject {
  const result = normalizeObject(raw);
  if (!('object' in result)) throw new Error('fixture is not an object');
  return result.object;
}

describe('discovery', () => {
  it('prefers the server-preferred version, then the scanner order, only among served and understood ones', () => {
    expect(versionsToTry({ preferred: 'v1', served: ['v1', 'v1beta1', 'v1alpha3'] }, ['v1', 'v1beta1', 'v1alpha3'])).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect(versionsToTry({ preferred: 'v1', served: ['v1', 'v2', 'v2beta1'] }, ['v2', 'v2beta1', 'v2alpha1'])).toEqual(['v2', 'v2beta1']);
    expect(versionsToTry({ preferred: 'v1beta1', served: ['v1beta1', 'v1alpha3'] }, ['v1', 'v1beta1', 'v1alpha3'])).toEqual(['v1beta1', 'v1alpha3']);
    expect(versionsToTry({ preferred: 'v3', served: ['v3'] }, ['v1'])).toEqual([]);
  });

  it('reads an APIGroupList and tolerates junk', () => {
    const groups = parseGroupList({ groups: [{ name: 'kyverno.io', versions: [{ version: 'v1' }, { version: 'v2' }, 7], preferredVersion: { version: 'v1' } }, 'junk', { versions: [] }] });
    expect([...groups.entries()]).toEqual([['kyverno.io', { preferred: 'v1', served: ['v1', 'v2'] }]]);
    expect(parseGroupList('<html>').size).toBe(0);
  });
});

describe('Retry-After', () => {
  it('accepts seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('mesh config ConfigMaps', () => {
  const aksNs = object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aks-istio-system' } });
  const tenant = object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'istio.io/rev': 'asm-1-24' } } });
  const pod = object({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-b', labels: { 'istio.io/rev': 'asm-1-25' } } });
  const istiod = object({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod-canary', namespace: 'istio-system', labels: { 'istio.io/rev': 'canary' } } });
  const appDeployment = object({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a', labels: { 'istio.io/rev': 'not-a-control-plane' } } });

  it('looks in aks-istio-system when it exists, else istio-system, and in both when Namespaces were not readable', () => {
    expect(rootNamespaceCandidates([aksNs, tenant])).toEqual(['aks-istio-system']);
    expect(rootNamespaceCandidates([tenant])).toEqual(['istio-system']);
    expect(rootNamespaceCandidates(undefined)).toEqual(['aks-istio-system', 'istio-system']);
    expect(rootNamespaceCandidates(undefined, { properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-24'] } } } })).toEqual(['aks-istio-system']);
  });

  it('collects revisions from ARM, namespace and pod labels and istiod Deployments of the root namespace', () => {
    const aks = { properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-23'] } } } };
    expect(knownRevisions([tenant, pod, istiod, appDeployment], ['istio-system'], aks)).toEqual(['asm-1-23', 'asm-1-24', 'asm-1-25', 'canary']);
    const weird = object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { 'istio.io/rev': 'default' } } });
    const invalid = object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y', labels: { 'istio.io/rev': '../secrets' } } });
    expect(knownRevisions([weird, invalid], ['istio-system'])).toEqual([]);
  });

  it('names the maps istiod and the AKS add-on read', () => {
    expect(meshConfigMapNames(['asm-1-24'])).toEqual(['istio', 'istio-sidecar-injector', 'istio-asm-1-24', 'istio-shared-configmap-asm-1-24', 'istio-sidecar-injector-asm-1-24']);
  });
});

describe('objects checked as their page arrives', () => {
  it('sets aside and reports the same objects, in the same order, as assembling everything read would; set-aside objects still name revisions', async () => {
    const raws: Array<Record<string, unknown>> = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'istio-injection': 'enabled' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a', labels: { 'istio.io/rev': 'asm-1-26' } }, spec: { containers: [] }, status: { conditions: [{ type: 'Accepted', status: 'False' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad', namespace: 'team-a' }, spec: { ports: 'http' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'good', namespace: 'team-a' }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se-bad', namespace: 'team-a' }, spec: { hosts: ['a.example.com'], exportTo: '*' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se-good', namespace: 'team-a' }, spec: { hosts: ['b.example.com'] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'team-a' }, spec: { hosts: ['b.example.com'] }, status: { validationMessages: [{ level: 'ERROR', type: { code: 'IST0101' } }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: { not: 'a string' } } },
    ];
    const double = await startKubeApiServerDouble({ objects: raws });
    try {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions(double.kubeconfig('checked'));
      const live = await collectLiveSnapshot(kubeConfig, { cluster: { name: 'checked' }, http: FAST_HTTP });
      // The reference: every object read, in the collector's order (kinds in SNAPSHOT_KINDS order,
      // the ConfigMaps read by name last), checked by assembleSnapshot itself.
      const normalized = raws.map((raw) => object(structuredClone(raw)));
      const ordered = [...SNAPSHOT_KINDS.filter((kind) => kind !== 'ConfigMap').flatMap((kind) => normalized.filter((o) => o.snapshotKind === kind)), ...normalized.filter((o) => o.snapshotKind === 'ConfigMap')];
      const reference = assembleSnapshot({ cluster: { name: 'checked' }, source: 'live', objects: ordered });
      expect(live.inputProblems.map((problem) => problem.message)).toEqual(reference.inputProblems.map((problem) => problem.message));
      expect(live.inputProblems.map((problem) => problem.resource?.name)).toEqual(['bad', 'se-bad', 'vs', 'p', 'istio']);
      for (const kind of SNAPSHOT_KINDS) expect(live.objects[kind].map((o) => o.metadata.name)).toEqual(reference.objects[kind].map((o) => o.metadata.name));
      expect([...live.namespaces.keys()]).toEqual([...reference.namespaces.keys()]);
      // The Pod set aside for its status still names a revision in use: its ConfigMaps are asked for.
      expect(double.requests.map((request) => request.path)).toContain('/api/v1/namespaces/istio-system/configmaps/istio-asm-1-26');
    } finally {
      await double.close();
    }
  });
});

describe('connections', () => {
  it('a scan sends its requests over a few keep-alive connections of one TLS identity, not one per request', async () => {
    const objects = Array.from({ length: 30 }, (_, index) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${index}` } }));
    const double = await startKubeApiServerDouble({ objects });
    let connections = 0;
    const onSocket = () => (connections += 1);
    diagnostics.subscribe('net.client.socket', onSocket);
    try {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions(double.kubeconfig('reuse'));
      const snapshot = await collectLiveSnapshot(kubeConfig, { cluster: { name: 'reuse' }, http: FAST_HTTP });
      expect(snapshot.objects.Namespace).toHaveLength(30);
      expect(double.requests.length).toBeGreaterThan(40);
      expect(connections).toBeGreaterThan(0);
      expect(connections).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    } finally {
      diagnostics.unsubscribe('net.client.socket', onSocket);
      await double.close();
    }
  });
});

describe('RBAC evaluation used by the least-privilege proof', () => {
  it('matches verbs, groups, resources, resourceNames and namespaces like the API server', () => {
    const listPods = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    expect(ruleAllows(listPods, { verb: 'list', group: '', resource: 'pods' })).toBe(true);
    expect(ruleAllows(listPods, { verb: 'watch', group: '', resource: 'pods' })).toBe(false);
    expect(ruleAllows(listPods, { verb: 'list', group: 'apps', resource: 'pods' })).toBe(false);
    expect(ruleAllows(listPods, { verb: 'list', group: '', resource: 'secrets' })).toBe(false);
    const named = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['istio'] };
    expect(ruleAllows(named, { verb: 'get', group: '', resource: 'configmaps', name: 'istio' })).toBe(true);
    expect(ruleAllows(named, { verb: 'get', group: '', resource: 'configmaps', name: 'other' })).toBe(false);
    expect(ruleAllows(named, { verb: 'list', group: '', resource: 'configmaps' })).toBe(false);
    const discovery = { verbs: ['get'], nonResourceURLs: ['/apis', '/apis/*'] };
    expect(ruleAllows(discovery, { verb: 'get', nonResourceURL: '/apis/kyverno.io/v1' })).toBe(true);
    expect(ruleAllows(discovery, { verb: 'get', nonResourceURL: '/api' })).toBe(false);
    const policy = { clusterRules: [], namespaceRules: [{ namespace: 'istio-system', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }] }] };
    expect(rbacAllows(policy, { verb: 'get', group: '', resource: 'configmaps', namespace: 'istio-system', name: 'istio' })).toBe(true);
    expect(rbacAllows(policy, { verb: 'get', group: '', resource: 'configmaps', namespace: 'team-a', name: 'istio' })).toBe(false);
    expect(rbacAllows(policy, { verb: 'list', group: '', resource: 'configmaps' })).toBe(false);
  });
});

describe('kubeconfig authentication is the library\'s', () => {
  it('an exec credential plugin (as kubelogin) provides the bearer token', async () => {
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-compliant') });
    try {
      const options = double.kubeconfig();
      const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: double.token } });
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        ...options,
        users: [{ name: options.users[0]!.name, exec: { apiVersion: 'client.authentication.k8s.io/v1', command: join(REPO_ROOT, 'node_modules', '.bin', 'node'), args: ['-e', `process.stdout.write(${JSON.stringify(credential)})`], interactiveMode: 'Never' } }],
      });
      const snapshot = await collectLiveSnapshot(kubeConfig, { cluster: { name: 'exec' }, http: FAST_HTTP });
      expect(snapshot.coverage.Namespace).toMatchObject({ status: 'read' });
      expect(double.requests.every((r) => r.status !== 401)).toBe(true);
    } finally {
      await double.close();
    }
  });
});
