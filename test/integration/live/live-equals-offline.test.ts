/**
 * A live scan of the API server double serving a manifest folder must see exactly what the
 * offline scan of the same folder sees: same findings, with ceil(objects/500) LIST requests
 * per kind plus discovery and the mesh ConfigMap GETs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { readDocumentFile, readMeshRevisionProfileFile, snapshotFromManifests } from '../../../src/snapshot/offline.js';
import { SNAPSHOT_KINDS } from '../../../src/snapshot/types.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { comparableFindings, DEMO_DIR, FAST_HTTP, kubeConfigOf } from './helpers.js';

const clusters = readdirSync(DEMO_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const doubles: KubeApiServerDouble[] = [];
afterAll(async () => {
  await Promise.all(doubles.map((d) => d.close()));
});

describe('live snapshot equals offline snapshot of the same manifests', () => {
  it('has demo clusters to compare', () => {
    expect(clusters.length).toBeGreaterThanOrEqual(3);
  });

  it.each(clusters)('%s', async (name) => {
    const folder = join(DEMO_DIR, name);
    const aksPath = join(folder, 'aks-cluster.json');
    const profilePath = join(folder, 'mesh-revision-profile.json');
    const aksCluster = existsSync(aksPath) ? readDocumentFile(aksPath, 'AKS cluster') : undefined;
    const meshRevisionProfile = existsSync(profilePath) ? readMeshRevisionProfileFile(profilePath) : undefined;

    const fromFolder = snapshotFromManifests([folder], { clusterName: name, aksCluster, meshRevisionProfile }).snapshot;
    const double = await startKubeApiServerDouble({ manifestsDir: folder });
    doubles.push(double);
    const live = await collectLiveSnapshot(kubeConfigOf(double), { cluster: fromFolder.cluster, aksCluster, meshRevisionProfile, http: FAST_HTTP });
    // The double serves the folder as the whole cluster: a kind the live scan listed and found
    // empty is known to be empty, whereas offline a kind missing from the folder is unknown
    // (e.g. no Pods: "applies to no workload yet" only live). Compare like with like.
    const offline = {
      ...fromFolder,
      coverage: Object.fromEntries(SNAPSHOT_KINDS.map((kind) => [kind, live.coverage[kind]?.status === 'read' ? { status: 'read' as const, objects: fromFolder.objects[kind].length } : fromFolder.coverage[kind]])),
    };

    expect(live.source).toBe('live');
    const withoutSource = (problems: typeof live.inputProblems) => problems.map(({ source: _source, ...problem }) => problem);
    expect(withoutSource(live.inputProblems)).toEqual(withoutSource(offline.inputProblems.filter((p) => p.type !== 'parse')));
    // The API server answers at its preferred version (e.g. ReferenceGrant v1 for a v1beta1 manifest).
    const versionless = (findings: ReturnType<typeof comparableFindings>) => JSON.parse(JSON.stringify(findings).replace(/"apiVersion":"([^"/]+)\/[^"]+"/g, '"apiVersion":"$1"')) as unknown;
    expect(versionless(comparableFindings(live))).toEqual(versionless(comparableFindings(offline)));
    expect(live.meshConfig).toEqual(offline.meshConfig);
    expect(live.meshMode).toBe(offline.meshMode);
    expect(live.meshRevisions).toEqual(offline.meshRevisions);
    expect(live.istioVersion).toEqual(offline.istioVersion);
    for (const kind of SNAPSHOT_KINDS) {
      expect(live.objects[kind].map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(offline.objects[kind].map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort());
    }

    // Request budget: one LIST per kind (each holds < 500 objects), discovery, mesh ConfigMap GETs.
    const lists = double.requests.filter((r) => r.attributes.verb === 'list');
    const discovery = double.requests.filter((r) => r.attributes.nonResourceURL !== undefined);
    const configMapGets = double.requests.filter((r) => r.attributes.verb === 'get' && r.attributes.resource === 'configmaps');
    const listedKinds = SNAPSHOT_KINDS.filter((kind) => kind !== 'ConfigMap' && kind !== 'Constraint' && live.coverage[kind]?.status === 'read');
    const constraintResources = new Set(lists.filter((r) => r.attributes.group === 'constraints.gatekeeper.sh').map((r) => r.attributes.resource));
    expect(lists).toHaveLength(listedKinds.length + constraintResources.size);
    expect(double.requests).toHaveLength(lists.length + discovery.length + configMapGets.length);
    expect(live.apiRequests).toBe(double.requests.length);
    expect(lists.every((r) => r.query.limit === '500' && r.attributes.namespace === undefined)).toBe(true);
  });
});
