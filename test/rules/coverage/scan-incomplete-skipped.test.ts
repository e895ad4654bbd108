/** scan-incomplete for a cluster skipped by policy (no Entra ID, no opt-in to its local account). */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { skippedSnapshot, failedSnapshot } from '../../../src/fleet/scan-cluster.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';

const REASON = 'scanned only with Entra ID; local accounts give admin credentials. The cluster has no Entra ID integration.';
const aksCluster = { properties: { aadProfile: undefined, disableLocalAccounts: false, serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-24'] } } } };

describe('scan-incomplete for a skipped cluster', () => {
  it('fires once, saying why and naming the opt-in; the record is skipped', () => {
    const result = scanSnapshot(skippedSnapshot({ name: 'aks-local' }, REASON, { aksCluster }), defaultConfig(), { scanId: 's', startedAt: Date.now() });
    const incomplete = result.findings.filter((finding) => finding.ruleId === 'scan-incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.message).toBe(`Cluster aks-local was not scanned: ${REASON}`);
    expect(incomplete[0]!.evidence).toMatchObject({ reason: 'skipped', optIn: 'SCAN_LOCAL_ACCOUNT_CLUSTERS' });
    expect(incomplete[0]!.evidence.unknownRules).toEqual(expect.arrayContaining(['namespace-imports-foreign-config']));
    expect(incomplete[0]!.evidence.unknownRules).not.toContain('aks-local-accounts-enabled');
    expect(result.record).toMatchObject({ status: 'skipped', error: REASON });
    // What ARM shows is still reported.
    expect(result.findings.map((finding) => finding.ruleId)).toContain('aks-local-accounts-enabled');
  });

  it('does not fire as skipped for a failed cluster', () => {
    const result = scanSnapshot(failedSnapshot({ name: 'aks-down' }, 'unreachable', { aksCluster }), defaultConfig(), { scanId: 's', startedAt: Date.now(), failure: 'unreachable' });
    expect(result.record.status).toBe('failed');
    expect(result.findings.filter((finding) => finding.ruleId === 'scan-incomplete').map((finding) => finding.subjectKey)).not.toContain('cluster-skipped');
  });
});
