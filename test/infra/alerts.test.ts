/**
 * The alert rules' timing, as deployed (infra/modules/alerts.bicep evaluated by `bicep
 * snapshot`) for every scan interval main.bicep allows:
 *   - no rule looks back further than a log search alert may (2 days; "Override query time
 *     range" in https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule);
 *   - the silence alert can fire: its threshold exceeds one scan interval and the threshold
 *     crossing (threshold + band) lies inside the query range, and it is stateless so a
 *     cluster that stays silent is never reported resolved;
 *   - "new" rows are judged by ingestion_time() over a window that covers the evaluation period
 *     (late rows are evaluated, none falls between two evaluations);
 *   - every query binds against the tables' schema once its values are filled in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { kqlDiagnostics } from './kql.js';
import { compileBicep, repoPath, resourcesOfType, snapshotDeployment, type ArmResource, type DeploymentSnapshot } from './helpers.js';

const MAX_QUERY_RANGE_MINUTES = 2 * 24 * 60;

/** ISO 8601 durations the module writes (PT<n>M, PT<n>H, P<n>D) in minutes. */
function minutesOf(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1] ?? 0) * 1440 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** A KQL timespan literal of a `let name = <n>h|m;` line, in minutes. */
function letMinutes(query: string, name: string): number {
  const match = new RegExp(`^let ${name} = (\\d+)(h|m);$`, 'm').exec(query);
  if (!match) throw new Error(`no "let ${name} = ...;" line in\n${query}`);
  return Number(match[1]) * (match[2] === 'h' ? 60 : 1);
}

const props = (rule: ArmResource) => rule.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const queryOf = (rule: ArmResource) => String(props(rule).criteria.allOf[0].query);

const template = compileBicep('infra/main.bicep') as { parameters: { scanIntervalHours: { allowedValues: number[] } } };
const intervals = template.parameters.scanIntervalHours.allowedValues;

// One `bicep snapshot` for all intervals (each CLI start costs seconds): a throw-away template
// that deploys the alerts module once per allowed interval, each into its own resource group.
const wrapperDir = repoPath(`.tools/bicep/wrappers/${process.pid}`);
let snapshot: DeploymentSnapshot;

beforeAll(() => {
  mkdirSync(wrapperDir, { recursive: true });
  writeFileSync(
    `${wrapperDir}/alerts-all-intervals.bicep`,
    [
      "targetScope = 'subscription'",
      `param intervals array = [${intervals.join(', ')}]`,
      "module alerts '../../../../infra/modules/alerts.bicep' = [for interval in intervals: {",
      "  name: 'alerts-${interval}'",
      "  scope: resourceGroup('rg-interval-${interval}')",
      "  params: {",
      "    namePrefix: 'iis-${interval}h'",
      "    location: 'westeurope'",
      "    tags: {}",
      "    workspaceId: '/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log'",
      "    scanIntervalHours: interval",
      "    actionGroupResourceId: ''",
      "    alertEmails: []",
      "  }",
      "}]",
      '',
    ].join('\n'),
  );
  snapshot = snapshotDeployment(`.tools/bicep/wrappers/${process.pid}/alerts-all-intervals.bicep`, {}, { subscriptionId: '00000000-0000-0000-0000-00000000aaaa' });
});
afterAll(() => rmSync(wrapperDir, { recursive: true, force: true }));

describe.each(intervals)('alerts at scanIntervalHours = %i', (interval) => {
  const rules = () => resourcesOfType(snapshot, 'Microsoft.Insights/scheduledQueryRules').filter((candidate) => String(candidate.name).startsWith(`iis-${interval}h-`));
  const rule = (key: string) => rules().find((candidate) => String(candidate.name).endsWith(key))!;

  it('has the three rules', () => {
    expect(rules()).toHaveLength(3);
  });

  it('looks back at most 2 days and evaluates every hour', () => {
    for (const candidate of rules()) {
      expect(minutesOf(props(candidate).overrideQueryTimeRange)).toBeLessThanOrEqual(MAX_QUERY_RANGE_MINUTES);
      expect(minutesOf(props(candidate).evaluationFrequency)).toBe(60);
    }
  });

  it('can fire the silence alert: threshold above one interval, threshold + band inside the query range', () => {
    const silent = rule('cluster-silent');
    const query = queryOf(silent);
    const threshold = letMinutes(query, 'silenceThreshold');
    const band = letMinutes(query, 'band');
    expect(threshold).toBeGreaterThan(interval * 60);
    expect(threshold + band).toBeLessThanOrEqual(minutesOf(props(silent).overrideQueryTimeRange));
    // The band covers one evaluation period, so every crossing is seen by some evaluation.
    expect(band).toBeGreaterThanOrEqual(minutesOf(props(silent).evaluationFrequency));
    expect(query).toMatch(/TimeGenerated <= ago\(silenceThreshold\) and TimeGenerated > ago\(silenceThreshold \+ band\)/);
  });

  it('never resolves a silence it cannot see any more (stateless), while the other rules resolve when the query is clean', () => {
    expect(props(rule('cluster-silent')).autoMitigate).toBe(false);
    expect(props(rule('new-critical-high-finding')).autoMitigate).toBe(true);
    expect(props(rule('scan-failed-or-partial')).autoMitigate).toBe(true);
  });

  it('judges new findings and failed scans by ingestion time over at least one evaluation period', () => {
    for (const key of ['new-critical-high-finding', 'scan-failed-or-partial']) {
      const candidate = rule(key);
      const query = queryOf(candidate);
      expect(query).toContain('ingestion_time()');
      expect(query).not.toMatch(/where TimeGenerated > ago\(alertWindow\)/);
      expect(letMinutes(query, 'alertWindow')).toBeGreaterThanOrEqual(minutesOf(props(candidate).evaluationFrequency));
      // The whole query range is searched, so a late row with an old TimeGenerated is still in range.
      expect(minutesOf(props(candidate).overrideQueryTimeRange)).toBe(MAX_QUERY_RANGE_MINUTES);
    }
  });

  it('splits each rule by dimensions its query projects; a new finding of another rule is its own alert', () => {
    for (const candidate of rules()) {
      const dimensions = (props(candidate).criteria.allOf[0].dimensions as { name: string; operator: string; values: string[] }[]);
      const projected = /\| project ([^\n]+)$/.exec(queryOf(candidate).trimEnd())![1]!.split(',').map((column) => column.trim().split(' ')[0]!);
      expect(dimensions.length).toBeGreaterThan(0);
      for (const dimension of dimensions) {
        expect(projected).toContain(dimension.name);
        expect(dimension).toEqual({ name: dimension.name, operator: 'Include', values: ['*'] });
      }
    }
    const dimensionsOf = (key: string) => (props(rule(key)).criteria.allOf[0].dimensions as { name: string }[]).map((dimension) => dimension.name);
    expect(dimensionsOf('new-critical-high-finding')).toEqual(['ClusterName', 'Severity', 'RuleId']);
    expect(dimensionsOf('scan-failed-or-partial')).toEqual(['ClusterName', 'Status']);
    expect(dimensionsOf('cluster-silent')).toEqual(['ClusterName']);
  });

  it('deploys queries that parse and bind against the tables', () => {
    for (const candidate of rules()) expect(kqlDiagnostics(queryOf(candidate))).toEqual([]);
  });

  it('also reports skipped clusters (not scanned by policy) in the failed-or-partial alert', () => {
    expect(queryOf(rule('scan-failed-or-partial'))).toMatch(/Status in \("failed", "partial", "skipped"\)/);
  });
});
