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

/** Pod specs of an object: a Pod's own, a workload's template, a CronJob's job template. */
function podSpecsOf(item: Record<string, unknown>): Record<string, unknown>[] {
  const spec = isRecord(item.spec) ? item.spec : undefined;
  if (!spec) return [];
  const specs: Record<string, unknown>[] = [spec];
  const templateSpec = (template: unknown) => (isRecord(template) && isRecord(template.spec) ? template.spec : undefined);
  const workload = templateSpec(spec.template);
  if (workload) specs.push(workload);
  const job = isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) ? templateSpec(spec.jobTemplate.spec.template) : undefined;
  if (job) specs.push(job);
  return specs;
}

/**
 * Replaces literal env values in every container of every pod spec of `item`, in place, and
 * drops the last-applied-configuration annotation (a verbatim copy of the object, env values
 * included). Returns the number of values redacted.
 */
export function redactLiteralEnvValues(item: Record<string, unknown>): number {
  let redacted = 0;
  if (isRecord(item.metadata) && isRecord(item.metadata.annotations) && LAST_APPLIED in item.metadata.annotations) {
    delete item.metadata.annotations[LAST_APPLIED];
  }
  for (const podSpec of podSpecsOf(item)) {
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
  }
  return redacted;
}
