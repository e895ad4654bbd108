/**
 * Istio revision tags on the live path: the scanner LISTs MutatingWebhookConfigurations with
 * `labelSelector=istio.io/tag` (one narrow, paginated series), the API server double filters
 * by the selector as the real server does, and the tags reach the snapshot and the rules.
 */
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { DEMO_DIR, FAST_HTTP, kubeConfigOf } from './helpers.js';

const WEBHOOKS = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';

const webhook = (name: string, labels: Record<string, string>) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name, labels }, webhooks: [] });

/** A raw GET against the double, trusting its CA (TLS verified). */
function get(double: KubeApiServerDouble, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = https.get(`${double.url}${path}`, { ca: double.caPem, headers: { authorization: `Bearer ${double.token}` } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    request.on('error', reject);
  });
}

const names = (body: Record<string, unknown>) => (body.items as Array<{ metadata: { name: string } }>).map((item) => item.metadata.name);

describe('the API server double filters LISTs by label selector', () => {
  let double: KubeApiServerDouble;
  beforeAll(async () => {
    double = await startKubeApiServerDouble({
      objects: [
        webhook('istio-revision-tag-prod', { 'istio.io/tag': 'prod', 'istio.io/rev': '1-26' }),
        webhook('istio-revision-tag-canary', { 'istio.io/tag': 'canary', 'istio.io/rev': '1-27' }),
        webhook('istio-sidecar-injector-1-26', { 'istio.io/rev': '1-26' }),
        webhook('cert-manager-webhook', { app: 'cert-manager' }),
      ],
    });
  });
  afterAll(async () => {
    await double.close();
  });

  it.each([
    ['', ['cert-manager-webhook', 'istio-revision-tag-canary', 'istio-revision-tag-prod', 'istio-sidecar-injector-1-26']],
    ['istio.io/tag', ['istio-revision-tag-canary', 'istio-revision-tag-prod']],
    ['!istio.io/tag', ['cert-manager-webhook', 'istio-sidecar-injector-1-26']],
    ['istio.io/rev=1-26', ['istio-revision-tag-prod', 'istio-sidecar-injector-1-26']],
    ['istio.io/rev==1-26,istio.io/tag', ['istio-revision-tag-prod']],
    ['istio.io/rev!=1-26', ['cert-manager-webhook', 'istio-revision-tag-canary']],
    ['istio.io/tag in (prod, staging)', ['istio-revision-tag-prod']],
    ['istio.io/tag notin (prod)', ['cert-manager-webhook', 'istio-revision-tag-canary', 'istio-sidecar-injector-1-26']],
  ])('labelSelector=%j', async (selector, expected) => {
    const { status, body } = await get(double, `${WEBHOOKS}?labelSelector=${encodeURIComponent(selector)}`);
    expect(status).toBe(200);
    expect(names(body)).toEqual(expected);
  });

  it('pages within the selection, and a continue token does not resume another selector', async () => {
    const first = await get(double, `${WEBHOOKS}?labelSelector=istio.io%2Ftag&limit=1`);
    expect(names(first.body)).toEqual(['istio-revision-tag-canary']);
    const token = (first.body.metadata as { continue: string; remainingItemCount: number });
    expect(token.remainingItemCount).toBe(1);
    const second = await get(double, `${WEBHOOKS}?labelSelector=istio.io%2Ftag&limit=1&continue=${token.continue}`);
    expect(names(second.body)).toEqual(['istio-revision-tag-prod']);
    const other = await get(double, `${WEBHOOKS}?labelSelector=app&limit=1&continue=${token.continue}`);
    expect(other.status).toBe(400);
  });

  it('answers an unparseable selector with 400 BadRequest', async () => {
    const { status, body } = await get(double, `${WEBHOOKS}?labelSelector=${encodeURIComponent('istio.io/tag in prod')}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });
});

describe('live scan of revision tags', () => {
  it('reads only tag webhooks in one LIST with labelSelector=istio.io/tag, and credits the tag', async () => {
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'self-managed-istio') });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'self-managed-istio' }, http: FAST_HTTP });
      const lists = double.requests.filter((r) => r.attributes.resource === 'mutatingwebhookconfigurations');
      expect(lists).toHaveLength(1);
      expect(lists[0]!.query).toMatchObject({ labelSelector: 'istio.io/tag', limit: '500' });
      // The demo also holds Istio's own (untagged) injector webhook: the server leaves it out.
      expect(snapshot.objects.MutatingWebhookConfiguration.map((o) => o.metadata.name)).toEqual(['istio-revision-tag-prod-stable']);
      expect(snapshot.coverage.MutatingWebhookConfiguration).toMatchObject({ status: 'read', apiVersion: 'admissionregistration.k8s.io/v1', objects: 1 });
      expect(snapshot.meshRevisionTags).toEqual({ 'prod-stable': 'default' });
      expect(snapshot.namespaces.get('team-c')?.labels['istio.io/rev']).toBe('prod-stable');
      const enrolment = evaluateSnapshot(snapshot, defaultConfig()).filter((f) => f.ruleId === 'namespace-injection-revision-unknown' || f.ruleId === 'namespace-not-injected');
      expect(enrolment).toEqual([]);
    } finally {
      await double.close();
    }
  });

  it('without RBAC on webhook configurations the revision rule is blind, not wrong', async () => {
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'self-managed-istio'), faults: [{ kind: 'MutatingWebhookConfiguration', status: 403 }] });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'self-managed-istio' }, http: FAST_HTTP });
      expect(snapshot.coverage.MutatingWebhookConfiguration?.status).toBe('forbidden');
      expect(snapshot.meshRevisionTags).toEqual({});
      const findings = evaluateSnapshot(snapshot, defaultConfig());
      expect(findings.filter((f) => f.ruleId === 'namespace-injection-revision-unknown')).toEqual([]);
      const incomplete = findings.find((f) => f.ruleId === 'scan-incomplete');
      expect(JSON.stringify(incomplete)).toContain('namespace-injection-revision-unknown');
    } finally {
      await double.close();
    }
  });
});
