import { describe, expect, it } from '@jest/globals';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { parseManifestText } from '../../../src/snapshot/manifests.js';
import { revisionTagsOf } from '../../../src/snapshot/revision-tags.js';
import { labelsMatch, LabelSelectorError, parseLabelSelector } from '../../doubles/kube-apiserver/label-selector.js';

const webhook = (name: string, labels: string) => `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: ${name}, labels: {${labels}}}
webhooks: []
`;

function objects(yaml: string) {
  return parseManifestText(yaml, 'webhooks.yaml').objects;
}

describe('revision tags in the snapshot', () => {
  it('keeps only tag webhooks offline (the live LIST selects the same) and maps tag -> revision', () => {
    const snapshot = assembleSnapshot({
      cluster: { name: 'c1' },
      source: 'manifests',
      objects: objects(
        [
          webhook('istio-revision-tag-prod-stable', 'istio.io/tag: prod-stable, istio.io/rev: 1-25-2'),
          webhook('istio-revision-tag-prod-canary', 'istio.io/tag: prod-canary, istio.io/rev: 1-26-1'),
          webhook('istio-sidecar-injector-1-25-2', 'istio.io/rev: 1-25-2'),
          webhook('kyverno-resource-mutating-webhook-cfg', 'app.kubernetes.io/name: kyverno'),
        ].join('---'),
      ),
    });
    expect(snapshot.objects.MutatingWebhookConfiguration.map((o) => o.metadata.name).sort()).toEqual(['istio-revision-tag-prod-canary', 'istio-revision-tag-prod-stable']);
    expect(snapshot.meshRevisionTags).toEqual({ 'prod-stable': '1-25-2', 'prod-canary': '1-26-1' });
  });

  it('leaves out a tag without a revision, and takes the first webhook by name when two name one tag', () => {
    const webhooks = objects([webhook('b-prod', 'istio.io/tag: prod, istio.io/rev: "2"'), webhook('a-prod', 'istio.io/tag: prod, istio.io/rev: "1"'), webhook('dangling', 'istio.io/tag: dangling')].join('---'));
    expect(revisionTagsOf(webhooks)).toEqual({ prod: '1' });
  });

  it('is empty without webhooks', () => {
    expect(assembleSnapshot({ cluster: { name: 'c1' }, source: 'manifests', objects: [] }).meshRevisionTags).toEqual({});
  });
});

describe('label selector of the API server double', () => {
  it('parses the real syntax', () => {
    expect(parseLabelSelector('istio.io/tag,!legacy, app = web,tier!=db,env in (a, b),zone notin (x)')).toEqual([
      { key: 'istio.io/tag', op: 'exists' },
      { key: 'legacy', op: 'notexists' },
      { key: 'app', op: 'in', values: ['web'] },
      { key: 'tier', op: 'notin', values: ['db'] },
      { key: 'env', op: 'in', values: ['a', 'b'] },
      { key: 'zone', op: 'notin', values: ['x'] },
    ]);
    expect(parseLabelSelector('')).toEqual([]);
  });

  it.each(['a in b', 'bad key', 'a=b c', '=x', 'a in (b c)'])('rejects %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });

  it('matches as the API server: != and notin also hold when the key is absent', () => {
    expect(labelsMatch(parseLabelSelector('tier!=db'), {})).toBe(true);
    expect(labelsMatch(parseLabelSelector('tier notin (db)'), { tier: 'db' })).toBe(false);
    expect(labelsMatch(parseLabelSelector('tier=db'), {})).toBe(false);
    expect(labelsMatch(parseLabelSelector('istio.io/tag'), { 'istio.io/tag': '' })).toBe(true);
  });
});
