/**
 * Words every stage shares: how bad a finding is, which family it belongs to, and how an
 * object is named. Bottom layer: imports nothing, so snapshot, mesh, rules and report can
 * all use it without an arrow back up the pipeline.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ['exposure', 'ingress', 'sidecar', 'mesh', 'transport', 'enrolment', 'admission', 'platform', 'coverage'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Empty string for cluster-scoped objects. */
  namespace: string;
}
