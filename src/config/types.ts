import type { Severity } from '../vocabulary.js';

/** A configuration suppression (spec "Suppression"). Patterns are globs (minimatch). */
export interface ConfigSuppression {
  ruleId: string;
  /** Namespace glob; absent = any. */
  namespace?: string;
  /** Object glob on `kind/name` or `name`; absent = any. */
  resource?: string;
  reason: string;
  /** ISO date; after it the suppression stops applying and says so. */
  expires?: string;
}

/**
 * A configuration entry allowing an explicit share: objects of namespace `from` exported by
 * name to namespace `to` (spec.exportTo lists `to`, not `*`). Patterns are globs (minimatch).
 */
export interface AllowedShare {
  /** Owner namespace glob. */
  from: string;
  /** Importing namespace glob. */
  to: string;
  /** ServiceEntry, VirtualService, DestinationRule; absent = any. */
  kinds?: string[];
  /** Object name globs; absent = any. */
  names?: string[];
  reason: string;
}

/** The one scanner configuration file (YAML or JSON, schema-validated in src/config/load.ts). */
export interface ScannerConfig {
  /** Extra system namespace globs (added to the built-in list). */
  systemNamespaces: string[];
  /** Shared namespace globs: publish configuration to others on purpose. */
  sharedNamespaces: string[];
  /** Tenant namespace globs; when non-empty, only matching non-system namespaces are tenants. */
  tenantNamespaces: string[];
  disabledRules: string[];
  severityOverrides: Record<string, Severity>;
  suppressions: ConfigSuppression[];
  /** Shares exported by name that are allowed (not reported as declared shares). */
  allowedShares: AllowedShare[];
  /**
   * CLI only: the namespaces (names or globs) a `--tenant` scan judges when `--tenant` is not
   * given, e.g. in a tenant repository's `.istio-isolation-scanner.yaml`.
   */
  tenant?: string[];
  /** Istio version to assume offline when the snapshot cannot tell, e.g. "1.24". */
  istioVersion?: string;
  /** Size cap of one Kubernetes API response in MiB (default 256); a bigger LIST page fails its kind. */
  maxApiResponseMiB?: number;
  /** "now" for expiry checks; injectable for tests. */
  now?: Date;
}

export function defaultConfig(overrides: Partial<ScannerConfig> = {}): ScannerConfig {
  return {
    systemNamespaces: [],
    sharedNamespaces: [],
    tenantNamespaces: [],
    disabledRules: [],
    severityOverrides: {},
    suppressions: [],
    allowedShares: [],
    ...overrides,
  };
}
