/**
 * Literal environment values are removed from every pod spec as soon as a LIST page is read.
 *
 * The scanner must read Pods and workloads (Deployments and the other pod-template kinds):
 * the enrolment and sidecar rules need their labels, annotations, container names and images,
 * host networking and phase, so metadata-only reads (PartialObjectMetadataList) are not
 * enough. Kubernetes RBAC and the AKS data actions authorize whole objects and cannot leave
 * fields out, so `list pods` always returns the spec, and a pod spec may carry secrets as
 * literal `env[].value`s (also copied into the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation). No rule reads them, so they are dropped here, before the objects reach the
 * snapshot, the rules, any finding, report, log or upload. References (`valueFrom`,
 * `envFrom`) name a Secret or ConfigMap but hold no value and are kept. See
 * docs/deployment.md ("Least privilege") for what remains readable and why.
 */
import { isRecord } from '../../records.js';

export const REDACTED = '<redacted by istio-isolation-scanner>';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The pod spec of a template (`{ spec }`), if any. */
function templateSpec(template: unknown): Record<string, unknown> | undefined {
  return isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
}

/** Literal env values of one pod spec's containers replaced; returns how many. */
function redactPodSpec(podSpec: Record<string, unknown>): number {
  let redacted = 0;
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isRecord(container) || !Array.isArray(container.env)) continue;
      for (const variable of container.env) {
        if (isRecord(variable) && 'value' in variable && variable.value !== '') {
          variable.value = REDACTED;
          redacted += 1;
        }
      }
    }
  }
  return redacted;
}

/**
 * Replaces literal env values in every container of every pod spec of `item` (a Pod's own, a
 * workload's template, a CronJob's job template), in place, and drops the
 * last-applied-configuration annotation (a verbatim copy of the object, env values included).
 * Returns the number of values redacted. Runs on every listed object, so it allocates nothing.
 */
export function redactLiteralEnvValues(item: Record<string, unknown>): number {
  if (isRecord(item.metadata) && isRecord(item.metadata.annotations) && LAST_APPLIED in item.metadata.annotations) {
    delete item.metadata.annotations[LAST_APPLIED];
  }
  const spec = item.spec;
  if (!isRecord(spec)) return 0;
  let redacted = redactPodSpec(spec);
  const workload = templateSpec(spec.template);
  if (workload) redacted += redactPodSpec(workload);
  const job = templateSpec(templateSpec(spec.jobTemplate)?.template);
  if (job) redacted += redactPodSpec(job);
  return redacted;
}
