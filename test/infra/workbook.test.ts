/**
 * Structure of the workbook (infra/workbook/isolation-workbook.json, deployed as the
 * workbook's serializedData): a valid Notebook/1.0 document whose query items target the
 * Log Analytics workspace and cover the sections the issue asks for. The queries
 * themselves are parsed and bound in kql.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readRepoJson } from './helpers.js';

const workbook = readRepoJson<{ items: { type: number; name: string; content: Record<string, unknown> }[] }>('infra/workbook/isolation-workbook.json');

// The subset of the workbook schema (github.com/microsoft/Application-Insights-Workbooks,
// schema/workbook.json) the portal needs to render these item types.
const workbookSchema = {
  type: 'object',
  required: ['version', 'items', '$schema'],
  properties: {
    version: { const: 'Notebook/1.0' },
    $schema: { type: 'string', pattern: 'Application-Insights-Workbooks' },
    fallbackResourceIds: { type: 'array', items: { type: 'string' } },
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'content', 'name'],
        properties: { name: { type: 'string', minLength: 1 } },
        oneOf: [
          { properties: { type: { const: 1 }, content: { type: 'object', required: ['json'], properties: { json: { type: 'string', minLength: 1 } } } } },
          {
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
                  visualization: { enum: ['table', 'barchart', 'timechart', 'piechart', 'tiles', 'areachart', 'linechart', 'scatterchart', 'categoricalbar'] },
                  timeContextFromParameter: { type: 'string' },
                },
              },
            },
          },
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
        ],
      },
    },
  },
};

const queryItems = workbook.items.filter((item) => item.type === 3);
const queries = queryItems.map((item) => String(item.content.query));

describe('the workbook', () => {
  it('follows the workbook schema for its item types', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(workbookSchema);
    expect(validate(workbook) ? [] : validate.errors).toEqual([]);
  });

  it('has unique item names', () => {
    const names = workbook.items.map((item) => item.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('declares every parameter its items use', () => {
    const declared = workbook.items.filter((item) => item.type === 9).flatMap((item) => (item.content.parameters as { name: string }[]).map((parameter) => parameter.name));
    const used = queryItems.map((item) => item.content.timeContextFromParameter).filter((name): name is string => typeof name === 'string');
    expect(used.length).toBe(queryItems.length);
    expect(used.filter((name) => !declared.includes(name))).toEqual([]);
    // Workbook parameters in the query text ({Name}) would not be valid KQL for the tests or alerts.
    expect(queries.filter((query) => /\{[A-Za-z]+\}/.test(query))).toEqual([]);
  });

  it('covers fleet overview, findings by severity and cluster, tenant exposure, rule trends, scan health and coverage', () => {
    const byName = (name: string) => String(queryItems.find((item) => item.name === name)?.content.query ?? '');
    expect(byName('fleet-overview-clusters')).toContain('IstioIsolationScans_CL');
    expect(byName('findings-by-severity-cluster')).toMatch(/summarize Findings = count\(\) by ClusterName, Severity/);
    expect(byName('tenant-exposure-matrix')).toMatch(/RuleId == "namespace-imports-foreign-config"[\s\S]*Evidence\.foreignOwners/);
    expect(queryItems.find((item) => item.name === 'rule-trends')?.content.visualization).toBe('timechart');
    expect(byName('rule-trends')).toMatch(/by RuleId, bin\(TimeGenerated/);
    expect(byName('scan-status-trend')).toContain('Status');
    expect(byName('coverage-gaps')).toContain('Coverage');
  });

  it('de-duplicates at-least-once deliveries in every findings query', () => {
    const findingsQueries = queries.filter((query) => query.includes('IstioIsolationFindings_CL'));
    expect(findingsQueries.length).toBeGreaterThan(0);
    expect(findingsQueries.filter((query) => !/arg_max\(TimeGenerated, [^)]*\) by ScanId, FindingId/.test(query))).toEqual([]);
  });
});
