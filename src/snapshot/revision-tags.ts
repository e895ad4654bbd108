/**
 * Istio revision tags. `istioctl tag set <tag> --revision <rev>` (and the istiod chart's
 * `revisionTags` value) creates a MutatingWebhookConfiguration named
 * `istio-revision-tag-<tag>`, labelled `istio.io/tag=<tag>` and `istio.io/rev=<rev>`, whose
 * webhooks select namespaces labelled `istio.io/rev=<tag>` and call revision <rev>'s istiod.
 * A namespace may therefore name a tag where a revision is expected.
 * Source: istio/istio istioctl/pkg/tag (IstioTagLabel = "istio.io/tag", revision-tags.yaml
 * template of manifests/charts/istio-control/istio-discovery);
 * https://istio.io/latest/docs/setup/upgrade/canary/#stable-revision-labels
 */
import type { K8sObject } from './types.js';

export const REVISION_TAG_LABEL = 'istio.io/tag';
const REVISION_LABEL = 'istio.io/rev';

/**
 * The webhook configurations the scanner keeps: revision tags only (the label the live LIST
 * selects on). Istio's per-revision injector webhooks and other products' webhooks tell the
 * rules nothing, and keeping the same set offline keeps live and offline snapshots equal.
 */
export function isRevisionTagWebhook(object: K8sObject): boolean {
  return object.snapshotKind === 'MutatingWebhookConfiguration' && REVISION_TAG_LABEL in object.metadata.labels;
}

/**
 * tag -> revision, from the tag webhooks. A webhook without a revision label points nowhere
 * and is left out (a namespace naming that tag is then an unknown revision, which is what the
 * API server does: no webhook can be reached for it). Several webhooks for one tag (renamed
 * with `--webhook-name`) should agree; the first by name wins so the result is stable.
 */
export function revisionTagsOf(webhooks: K8sObject[]): Record<string, string> {
  const tags: Record<string, string> = {};
  const sorted = webhooks.filter(isRevisionTagWebhook).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const webhook of sorted) {
    const tag = webhook.metadata.labels[REVISION_TAG_LABEL];
    const revision = webhook.metadata.labels[REVISION_LABEL];
    if (!tag || !revision || tag in tags) continue;
    tags[tag] = revision;
  }
  return tags;
}
