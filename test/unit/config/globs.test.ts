/**
 * Configuration globs are compiled once per scan, not once per namespace or finding. The test
 * counts how often minimatch compiles a pattern while a 400-namespace cluster is classified,
 * evaluated and matched against suppressions (minimatch is wrapped, not replaced: every match
 * is still minimatch's own).
 */
import { describe, expect, it, jest } from '@jest/globals';

const real = await import('minimatch');
let compilations = 0;
class CountingMinimatch extends real.Minimatch {
  constructor(...args: ConstructorParameters<typeof real.Minimatch>) {
    super(...args);
    compilations += 1;
  }
}
// `minimatch(name, pattern)` compiles the pattern on every call.
const countingMinimatch = Object.assign((name: string, pattern: string, options?: Parameters<typeof real.minimatch>[2]) => {
  compilations += 1;
  return real.minimatch(name, pattern, options);
}, real.minimatch);
jest.unstable_mockModule('minimatch', () => ({ ...real, Minimatch: CountingMinimatch, minimatch: countingMinimatch, default: countingMinimatch }));

const { defaultConfig } = await import('../../../src/config/types.js');
const { scanSnapshot } = await import('../../../src/report/scan-result.js');
const { snapshotFromYaml } = await import('../../helpers/rule-tester.js');

const NAMESPACES = 400;
const manifests = Array.from({ length: NAMESPACES }, (_, i) => {
  const ns = `team-${i}`;
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: api, namespace: ${ns}}\nspec: {hosts: [api.${ns}.example.com], resolution: DNS, ports: [{number: 443, name: https, protocol: TLS}]}`;
}).join('\n---\n');

describe('configuration globs', () => {
  it('are compiled once per scan, however many namespaces and findings match them', () => {
    const config = defaultConfig({
      systemNamespaces: ['ops-{a,b,c}-*', 'monitoring'],
      sharedNamespaces: ['shared-{egress,ingress}'],
      tenantNamespaces: ['team-*', 'app-{1..9}'],
      suppressions: [
        { ruleId: 'exportto-missing', namespace: 'team-{1,2,3}?', reason: 'reviewed' },
        { ruleId: 'namespace-missing-default-sidecar', resource: 'Namespace/team-1*', reason: 'reviewed' },
      ],
    });
    const snapshot = snapshotFromYaml({ manifests });
    compilations = 0;
    const result = scanSnapshot(snapshot, config, { scanId: 's', startedAt: 0 });
    expect(result.findings.filter((finding) => finding.suppressed).length).toBeGreaterThan(10);
    expect(result.record.tenantNamespaces).toBe(NAMESPACES);
    // 7 configuration patterns and 10 built-in system namespace globs: a handful of compilations,
    // not one per namespace (400) or per finding (thousands).
    expect(compilations).toBeLessThanOrEqual(30);
  });
});
