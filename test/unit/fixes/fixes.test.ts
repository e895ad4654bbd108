import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { defaultConfig } from '../../../src/config/types.js';
import { applyMergePatch, buildFixManifests, writeFixes } from '../../../src/report/fixes.js';
import { admissionRules } from '../../../src/rules/admission/index.js';
import { enrolmentRules } from '../../../src/rules/enrolment/index.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { ALL_RULES } from '../../../src/rules/registry.js';
import { transportRules } from '../../../src/rules/transport/index.js';
import type { Finding, Rule } from '../../../src/rules/types.js';
import { buildSnapshot, normalizeObject } from '../../../src/snapshot/build.js';
import type { ClusterSnapshot, K8sObject } from '../../../src/snapshot/types.js';

const aksCluster = { name: 'aks-1', properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-25'] } } } };

const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: {name: aks-istio-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled, istio.io/rev: asm-1-25}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {team: b}, annotations: {owner: team-b}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-b}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner-api, namespace: tenant-a}
spec:
  hosts: [api.partner.example]
  ports: [{number: 443, name: https, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partner-api, namespace: tenant-a}
spec: {hosts: [api.partner.example], exportTo: ["*"], tls: [{match: [{port: 443, sniHosts: [api.partner.example]}], route: [{destination: {host: api.partner.example}}]}]}
`;

function objectsOf(yaml: string, file: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    const result = normalizeObject(doc.toJS(), { file, line: 1 });
    if ('object' in result) objects.push(result.object);
  }
  return objects;
}

function snapshotOf(objects: K8sObject[]): ClusterSnapshot {
  return buildSnapshot({
    cluster: { name: 'aks-1', resourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1' },
    source: 'manifests',
    objects,
    meshConfig: { rootNamespace: 'aks-istio-system' },
    aksCluster,
    meshMode: 'Istio',
    meshRevisions: ['asm-1-25'],
  });
}

const identity = (object: K8sObject): string => `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;

/** What `kubectl apply -f DIR -R` does to the cluster: create or replace each object. */
function applyFixes(objects: K8sObject[], fixFiles: Array<{ path: string; text: string }>): K8sObject[] {
  const byIdentity = new Map(objects.map((object) => [identity(object), object]));
  for (const file of fixFiles) for (const object of objectsOf(file.text, file.path)) byIdentity.set(identity(object), object);
  return [...byIdentity.values()];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function fixAndRescan(rules: readonly Rule[]): Promise<{ before: Finding[]; after: Finding[]; written: string[] }> {
  const objects = objectsOf(CLUSTER, 'cluster.yaml');
  const config = defaultConfig();
  const before = evaluateSnapshot(snapshotOf(objects), config, { rules });
  const dir = mkdtempSync(join(tmpdir(), 'fixes-'));
  dirs.push(dir);
  const written = await writeFixes(before, snapshotOf(objects), dir);
  const after = evaluateSnapshot(snapshotOf(applyFixes(objects, written.map((path) => ({ path, text: readFileSync(path, 'utf8') })))), config, { rules });
  return { before, after, written: written.map((path) => relative(dir, path)) };
}

describe('--write-fixes', () => {
  it('applying the written fixes removes every fixed finding of the transport, enrolment and admission rules', async () => {
    const { before, after, written } = await fixAndRescan([...transportRules, ...enrolmentRules, ...admissionRules]);
    const fixed = before.filter((finding) => finding.fix);
    expect(fixed.map((f) => `${f.ruleId}:${f.namespace}`).sort()).toEqual([
      'namespace-conflicting-injection-labels:tenant-a',
      'namespace-missing-authorizationpolicy:tenant-a',
      'namespace-missing-authorizationpolicy:tenant-b',
      'namespace-mtls-not-strict:tenant-a',
      'namespace-mtls-not-strict:tenant-b',
      'namespace-not-injected:tenant-a',
      'namespace-not-injected:tenant-b',
      'quota-serviceentry-missing:tenant-a',
      'quota-serviceentry-missing:tenant-b',
    ]);
    expect(written).toEqual([
      'tenant-a/authorizationpolicy-default-deny.yaml',
      'tenant-a/peerauthentication-default.yaml',
      'tenant-a/resourcequota-istio-config-objects.yaml',
      'tenant-b/authorizationpolicy-default-deny.yaml',
      'tenant-b/peerauthentication-default.yaml',
      'tenant-b/resourcequota-istio-config-objects.yaml',
      '_cluster/namespace-tenant-a.yaml',
      '_cluster/namespace-tenant-b.yaml',
    ].sort());
    const remaining = new Set(after.map((finding) => finding.findingId));
    expect(fixed.filter((finding) => remaining.has(finding.findingId))).toEqual([]);
  });

  it('applying the fixes of the whole catalogue removes every finding that had a fix (exportTo, default Sidecar included)', async () => {
    const { before, after } = await fixAndRescan(ALL_RULES);
    const fixed = before.filter((finding) => finding.fix);
    const fixedRules = new Set(fixed.map((finding) => finding.ruleId));
    for (const ruleId of ['exportto-missing', 'exportto-wildcard', 'namespace-missing-default-sidecar']) expect(fixedRules).toContain(ruleId);
    const remaining = new Set(after.map((finding) => finding.findingId));
    expect(fixed.filter((finding) => remaining.has(finding.findingId)).map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it('writes the default Sidecar with the cluster\'s real root namespace', () => {
    const snapshot = snapshotOf(objectsOf(CLUSTER, 'cluster.yaml'));
    const files = buildFixManifests(evaluateSnapshot(snapshot, defaultConfig(), { rules: ALL_RULES }), snapshot);
    const sidecars = files.filter((file) => file.manifest.kind === 'Sidecar');
    expect(sidecars.length).toBeGreaterThan(0);
    for (const sidecar of sidecars) expect(JSON.stringify(sidecar.manifest)).toContain('aks-istio-system/*');
  });

  it('merges several patches of one object and keeps its other fields', () => {
    const objects = objectsOf(CLUSTER, 'cluster.yaml');
    const snapshot = snapshotOf(objects);
    const findings = evaluateSnapshot(snapshot, defaultConfig(), { rules: enrolmentRules });
    const namespaceFile = buildFixManifests(findings, snapshot).find((file) => file.path === join('_cluster', 'namespace-tenant-a.yaml'));
    expect(namespaceFile?.fixes.map((fix) => fix.ruleId).sort()).toEqual(['namespace-conflicting-injection-labels', 'namespace-not-injected']);
    expect(namespaceFile?.manifest).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a', labels: { 'istio.io/rev': 'asm-1-25' } } });
    const tenantB = buildFixManifests(findings, snapshot).find((file) => file.path === join('_cluster', 'namespace-tenant-b.yaml'));
    expect(tenantB?.manifest).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-b', labels: { team: 'b', 'istio.io/rev': 'asm-1-25' }, annotations: { owner: 'team-b' } } });
  });

  it('tells how to delete labels, since kubectl apply keeps labels it did not set itself', async () => {
    const { written } = await fixAndRescan(enrolmentRules);
    expect(written).toContain(join('_cluster', 'namespace-tenant-a.yaml'));
    const text = readFileSync(join(dirs[dirs.length - 1]!, '_cluster', 'namespace-tenant-a.yaml'), 'utf8');
    expect(text).toContain('kubectl label namespace tenant-a istio-injection-');
    expect(text).not.toMatch(/^\s+istio-injection:/m);
  });

  it('writes no fix for suppressed findings', () => {
    const snapshot = snapshotOf(objectsOf(CLUSTER, 'cluster.yaml'));
    const config = defaultConfig({ suppressions: [{ ruleId: 'quota-serviceentry-missing', reason: 'platform quota elsewhere' }] });
    const findings = evaluateSnapshot(snapshot, config, { rules: admissionRules });
    expect(findings.filter((f) => f.ruleId === 'quota-serviceentry-missing').every((f) => f.suppressed)).toBe(true);
    expect(buildFixManifests(findings, snapshot)).toEqual([]);
  });

  it('implements RFC 7386 merge patch', () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { a: null, b: { c: 4 }, e: [2], f: 'x' })).toEqual({ b: { c: 4, d: 3 }, e: [2], f: 'x' });
  });
});
