import type { IstioVersion } from '../snapshot/types.js';

/** True when `version` is at least major.minor.patch (a missing patch counts as 0). */
export function versionAtLeast(version: IstioVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return (version.patch ?? 0) >= patch;
}

/** "1.24" or "1.30.3", for evidence.istioVersionAssumed. */
export function versionLabel(version: IstioVersion): string {
  return version.patch === undefined ? `${version.major}.${version.minor}` : `${version.major}.${version.minor}.${version.patch}`;
}

/** Mesh-default exportTo lists behave like resource-level lists from 1.30.3 on (rules.md "How mesh defaults are really read"). */
export function meshDefaultsReadAsLists(version: IstioVersion): boolean {
  return versionAtLeast(version, 1, 30, 3);
}

/** Istio 1.24 introduced "one namespace per hostname and proxy" host precedence. */
export function hasHostPrecedence124(version: IstioVersion): boolean {
  return versionAtLeast(version, 1, 24);
}
