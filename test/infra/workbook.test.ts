/**
 * Structure of the workbook (infra/workbook/isolation-workbook.json, deployed as the
 * workbook's serializedData): a valid Notebook/1.0 document whose query items target the
 * Log Analytics workspace and cover what the issues ask for: fleet overview with subscription
 * and cluster parameters, click-through from the fleet table to a per-cluster view, trends
 * that count each open finding once a day, tenant exposure as a graph and the ingress rules'
 * cross-tenant findings. The queries themselves are parsed and bound in kql.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { allItems, declaredParameters, exportedParameters, parameterReferences, queryItems, workbook, type WorkbookItem } from './workbook-items.js';
import { ingressRules } from '../../src/rules/ingress/index.js';
import { loadDemoFleet } from '../../src/snapshot/offline.js';
import { defaultConfig } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/report/scan-result.js';
import { exposureGraphOf } from '../../src/report/exposure-graph.js';
import { toFindingRow, type FindingRow } from '../../src/report/log-analytics/rows.js';

// The subset of the workbook schema (github.com/microsoft/Application-Insights-Workbooks,
// schema/workbook.json) the portal needs to render these item types.
const kqlItem = {
  properties: {
    type: { const: 3 },
    content: {
      type: 'object',
      required: ['version', 'query', 'queryType', 'resourceType', 'visualization', 'title'],
      properties: {
        version: { const: 'KqlItem/1.0' },
        query: { type: 'string', minLength: 1 },
        queryType: { const: 0 },
        resourceType: { const: 'microsoft.operationalinsights/workspaces' },
        visualization: { enum: ['table', 'barchart', 'timechart', 'piechart', 'tiles', 'areachart', 'linechart', 'scatterchart', 'categoricalbar', 'graph'] },
        timeContextFromParameter: { type: 'string' },
        graphSettings: { type: 'object', required: ['type', 'nodeIdField', 'sourceIdField', 'targetIdField'] },
        exportedParameters: { type: 'array', items: { type: 'object', required: ['fieldName', 'parameterName'], properties: { defaultValue: { type: 'string' } } } },
      },
    },
  },
};
const workbookSchema = {
  type: 'object',
  required: ['version', 'items', '$schema'],
  properties: {
    version: { const: 'Notebook/1.0' },
    $schema: { type: 'string', pattern: 'Application-Insights-Workbooks' },
    fallbackResourceIds: { type: 'array', items: { type: 'string' } },
    items: { $ref: '#/$defs/items' },
  },
  $defs: {
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'content', 'name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          conditionalVisibility: { type: 'object', required: ['parameterName', 'comparison', 'value'], properties: { comparison: { enum: ['isEqualTo', 'isNotEqualTo'] } } },
        },
        oneOf: [
          { properties: { type: { const: 1 }, content: { type: 'object', required: ['json'], properties: { json: { type: 'string', minLength: 1 } } } } },
          kqlItem,
          {
            properties: {
              type: { const: 9 },
              content: {
                type: 'object',
                required: ['version', 'parameters'],
                properties: {
                  version: { const: 'KqlParameterItem/1.0' },
                  parameters: { type: 'array', items: { type: 'object', required: ['id', 'name', 'type'], properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, type: { type: 'integer' } } } },
                },
              },
            },
          },
          {
            properties: {
              type: { const: 12 },
              content: { type: 'object', required: ['version', 'items'], properties: { version: { const: 'NotebookGroup/1.0' }, items: { $ref: '#/$defs/items' } } },
            },
          },
        ],
      },
    },
  },
};

const queries = queryItems.map((item) => String(item.content.query));
const byName = (name: string): WorkbookItem => {
  const found = allItems().find((item) => item.name === name);
  if (!found) throw new Error(`no workbook item ${name}`);
  return found;
};
const queryOf = (name: string) => String(byName(name).content.query);
const INGRESS_RULES = ['gateway-hosts-unrestricted', 'gateway-host-claimed-cross-namespace', 'gateway-selects-foreign-workload', 'gateway-allowedroutes-broad', 'route-hostname-conflict-cross-namespace', 'referencegrant-broad'];
/** The rule ids of a `let <name> = dynamic([...]);` line of a query. */
const ruleListOf = (query: string, name: string): string[] => {
  const match = new RegExp(`let ${name} = dynamic\\((\\[[^\\]]*\\])\\);`).exec(query);
  if (!match) throw new Error(`no "let ${name} = dynamic([...]);" in\n${query}`);
  return JSON.parse(match[1]!) as string[];
};

/**
 * The edges the exposure graph queries draw from finding rows, stated in TypeScript: the rows'
 * listed Evidence.exposureEdges when there are any; otherwise the foreign owners -> the importing
 * namespace (namespace-imports-foreign-config), the opened namespaces -> the granting namespace
 * (referencegrant-broad), the object's namespace -> each affected namespace (other ingress rules).
 * The query text is pinned to these branches below; this turns them into edges for real rows.
 */
function graphEdgesOf(row: FindingRow): { from: string; to: string }[] {
  const evidence = (row.Evidence ?? {}) as { exposureEdges?: { from: string; to: string }[]; foreignOwners?: string[] };
  const objectNamespace = row.ResourceNamespace || row.Namespace;
  let edges: { from: string; to: string }[];
  if (evidence.exposureEdges?.length) edges = evidence.exposureEdges.map(({ from, to }) => ({ from, to }));
  else if (row.RuleId === 'namespace-imports-foreign-config') edges = (evidence.foreignOwners ?? []).map((owner) => ({ from: owner, to: row.Namespace }));
  else if (row.RuleId === 'referencegrant-broad') edges = row.AffectedNamespaces.map((opened) => ({ from: opened, to: objectNamespace }));
  else edges = row.AffectedNamespaces.map((affected) => ({ from: objectNamespace, to: affected }));
  return edges.filter(({ from, to }) => from && to && from !== to);
}

describe('the workbook', () => {
  it('follows the workbook schema for its item types', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(workbookSchema);
    expect(validate(workbook) ? [] : validate.errors).toEqual([]);
  });

  it('has unique item names and parameter ids', () => {
    const names = allItems().map((item) => item.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(declaredParameters.map((parameter) => parameter.id)).size).toBe(declaredParameters.length);
  });

  it('declares (or exports) every parameter its items use, and gives every query item a time range', () => {
    const known = new Set([...declaredParameters.map((parameter) => parameter.name), ...exportedParameters.map((parameter) => parameter.parameterName)]);
    const texts = allItems().flatMap((item) => [String(item.content.query ?? ''), String(item.content.json ?? '')]);
    const parameterQueries = declaredParameters.map((parameter) => parameter.query ?? '');
    expect([...texts, ...parameterQueries].flatMap(parameterReferences).filter((name) => !known.has(name))).toEqual([]);
    expect(queryItems.filter((item) => item.content.timeContextFromParameter !== 'TimeRange').map((item) => item.name)).toEqual([]);
    for (const item of allItems()) if (item.conditionalVisibility) expect(known.has(item.conditionalVisibility.parameterName)).toBe(true);
  });

  it('filters by subscription and cluster with multi-select parameters whose "All" is "*"', () => {
    for (const name of ['Subscription', 'Cluster']) {
      const parameter = declaredParameters.find((candidate) => candidate.name === name)!;
      expect(parameter).toMatchObject({ type: 2, multiSelect: true, quote: "'", typeSettings: { selectAllValue: '*' } });
    }
    // The cluster list follows the subscription selection.
    expect(declaredParameters.find((candidate) => candidate.name === 'Cluster')!.query).toContain('{Subscription}');
    const fleetQueries = ['fleet-overview-tiles', 'fleet-overview-clusters', 'findings-by-severity-cluster', 'findings-latest', 'tenant-exposure-graph', 'tenant-exposure-matrix', 'tenant-exposure-ingress', 'rule-trends', 'severity-trends', 'scan-status-trend', 'scan-failures', 'coverage-gaps'];
    for (const name of fleetQueries) {
      expect(queryOf(name)).toContain("'*' in ({Subscription}) or SubscriptionId in ({Subscription})");
      expect(queryOf(name)).toContain("'*' in ({Cluster}) or ClusterResourceId in ({Cluster})");
    }
  });

  it('opens a per-cluster view from a selected row of the fleet table', () => {
    const fleet = byName('fleet-overview-clusters');
    expect(fleet.content.exportedParameters).toEqual(expect.arrayContaining([expect.objectContaining({ fieldName: 'ClusterResourceId', parameterName: 'SelectedCluster', defaultValue: '' })]));
    expect(queryOf('fleet-overview-clusters')).toMatch(/project .*ClusterResourceId/);
    const view = byName('cluster-view');
    expect(view.type).toBe(12);
    expect(view.conditionalVisibility).toEqual({ parameterName: 'SelectedCluster', comparison: 'isNotEqualTo', value: '' });
    const viewQueries = allItems(view.content.items ?? []).filter((item) => item.type === 3);
    expect(viewQueries.length).toBeGreaterThanOrEqual(4);
    for (const item of viewQueries) expect(String(item.content.query)).toContain("ClusterResourceId == '{SelectedCluster}'");
    expect(viewQueries.map((item) => item.content.visualization)).toContain('graph');
  });

  it('covers fleet overview, findings by severity and cluster, tenant exposure, rule trends, scan health and coverage', () => {
    expect(queryOf('fleet-overview-clusters')).toContain('IstioIsolationScans_CL');
    expect(queryOf('fleet-overview-tiles')).toContain('Skipped = countif(Status == "skipped")');
    expect(queryOf('findings-by-severity-cluster')).toMatch(/summarize Findings = count\(\) by ClusterName, Severity/);
    expect(queryOf('tenant-exposure-matrix')).toMatch(/RuleId == "namespace-imports-foreign-config"[\s\S]*Evidence\.foreignOwners/);
    expect(byName('rule-trends').content.visualization).toBe('timechart');
    expect(queryOf('scan-status-trend')).toContain('Status');
    expect(queryOf('coverage-gaps')).toContain('Coverage');
  });

  it('counts each open finding once per day in the trends, not once per scan', () => {
    for (const name of ['rule-trends', 'severity-trends', 'cluster-rule-trend']) {
      expect(queryOf(name)).toMatch(/summarize Findings = dcount\(FindingId\) by \w+, bin\(TimeGenerated, 1d\)/);
      expect(queryOf(name)).not.toMatch(/count\(\) by/);
    }
  });

  it('draws tenant exposure as a graph: namespaces as nodes, owner -> exposed namespace as edges', () => {
    for (const name of ['tenant-exposure-graph', 'cluster-exposure-graph']) {
      const item = byName(name);
      expect(item.content.visualization).toBe('graph');
      expect(item.content.graphSettings).toMatchObject({ nodeIdField: 'Id', sourceIdField: 'SourceId', targetIdField: 'TargetId' });
      const query = queryOf(name);
      expect(query).toMatch(/project Id = strcat\(ClusterName, "\/", Namespace\)/);
      expect(query).toMatch(/project SourceId = strcat\(ClusterName, "\/", Source\), TargetId = strcat\(ClusterName, "\/", Target\)/);
      expect(query).toContain('Evidence.foreignOwners');
      for (const ruleId of ['namespace-imports-foreign-config', ...INGRESS_RULES]) expect(query).toContain(`"${ruleId}"`);
    }
  });

  it('draws every ingress rule of the catalogue (src/rules/ingress), and nothing else besides the import rule', () => {
    const ingress = ingressRules.map((rule) => rule.meta.id).sort();
    expect([...INGRESS_RULES].sort()).toEqual(ingress);
    for (const name of ['tenant-exposure-graph', 'cluster-exposure-graph']) expect(ruleListOf(queryOf(name), 'tenantRules').sort()).toEqual(['namespace-imports-foreign-config', ...ingress].sort());
    expect(ruleListOf(queryOf('tenant-exposure-ingress'), 'ingressRules').sort()).toEqual(ingress);
  });

  it('takes a finding\'s listed edges (Evidence.exposureEdges) as they are, and draws a ReferenceGrant from the opened namespaces to the granting one', () => {
    for (const name of ['tenant-exposure-graph', 'cluster-exposure-graph']) {
      const query = queryOf(name);
      expect(query).toMatch(/mv-expand Edge = Evidence\.exposureEdges\n\| project FindingId, ClusterName, RuleId, Source = tostring\(Edge\['from'\]\), Target = tostring\(Edge\['to'\]\)/);
      expect(query).toContain('| where ListedEdges == 0');
      expect(query).toContain('extend Sources = case(RuleId == "namespace-imports-foreign-config", Evidence.foreignOwners, RuleId == "referencegrant-broad", AffectedNamespaces, pack_array(ObjectNamespace))');
      expect(query).toContain('extend Targets = case(RuleId == "namespace-imports-foreign-config", pack_array(Namespace), RuleId == "referencegrant-broad", pack_array(ObjectNamespace), AffectedNamespaces)');
      expect(query).toContain('where isnotempty(Source) and isnotempty(Target) and Source != Target');
    }
  });

  describe('on the rows of the shared-ingress demo cluster', () => {
    const demo = loadDemoFleet().find(({ snapshot }) => snapshot.cluster.name === 'aks-shared-ingress')!;
    const result = scanSnapshot(demo.snapshot, defaultConfig({ sharedNamespaces: ['shared-egress'] }), { scanId: 'workbook', startedAt: Date.now() });
    const rows = result.findings.filter((finding) => INGRESS_RULES.includes(finding.ruleId)).map((finding) => toFindingRow(finding, result.record));

    it.each(INGRESS_RULES)('draws at least one cross-namespace edge for %s', (ruleId) => {
      const ruleRows = rows.filter((row) => row.RuleId === ruleId);
      expect(ruleRows.length).toBeGreaterThan(0);
      for (const row of ruleRows) expect(graphEdgesOf(row)).not.toEqual([]);
    });

    it('draws the same edges as the scanner\'s own exposure graph wherever that graph draws ingress edges', () => {
      const reportEdges = exposureGraphOf(result.findings, []).edges.filter((edge) => edge.kind === 'ingress').map(({ from, to }) => `${from} -> ${to}`);
      expect(reportEdges.length).toBeGreaterThan(0);
      const listed = rows.filter((row) => ((row.Evidence ?? {}) as { exposureEdges?: unknown[] }).exposureEdges?.length);
      expect(new Set(listed.flatMap(graphEdgesOf).map(({ from, to }) => `${from} -> ${to}`))).toEqual(new Set(reportEdges));
    });

    it('draws a ReferenceGrant from the namespaces it opens to, toward the granting namespace', () => {
      const grant = rows.find((row) => row.RuleId === 'referencegrant-broad')!;
      expect(graphEdgesOf(grant)).toEqual(grant.AffectedNamespaces.map((opened) => ({ from: opened, to: grant.ResourceNamespace })));
    });
  });

  it('shows the ingress rules\' cross-tenant findings in the tenant view', () => {
    const query = queryOf('tenant-exposure-ingress');
    for (const ruleId of INGRESS_RULES) expect(query).toContain(`"${ruleId}"`);
    expect(query).toContain('AffectedNamespaces');
    const ordered = allItems().map((item) => item.name);
    const headerAt = ordered.indexOf('exposure-header');
    expect(ordered.indexOf('tenant-exposure-ingress')).toBeGreaterThan(headerAt);
    expect(ordered.indexOf('tenant-exposure-graph')).toBeGreaterThan(headerAt);
    expect(ordered.indexOf('trends-header')).toBeGreaterThan(ordered.indexOf('tenant-exposure-ingress'));
  });

  it('de-duplicates at-least-once deliveries in every findings query', () => {
    const findingsQueries = queries.filter((query) => query.includes('IstioIsolationFindings_CL'));
    expect(findingsQueries.length).toBeGreaterThan(0);
    expect(findingsQueries.filter((query) => !/arg_max\(TimeGenerated, [^)]*\) by ScanId, FindingId/.test(query) && !/dcount\(FindingId\)/.test(query))).toEqual([]);
  });

  it('leaves fallbackResourceIds to the deployment (it is the workspace, known only there)', () => {
    expect(workbook.fallbackResourceIds).toEqual([]);
  });
});
