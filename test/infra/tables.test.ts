/**
 * The custom tables of infra/schema/tables.json follow Log Analytics' rules for custom
 * tables and columns, so the tables deploy (a reserved column name fails the table's PUT):
 * https://learn.microsoft.com/azure/azure-monitor/logs/create-custom-table ("Add or delete
 * a custom column": column names start with a letter, hold letters, digits or underscores,
 * are 2 to 45 characters long and do not reuse a system or reserved column name).
 */
import { describe, expect, it } from '@jest/globals';
import type { TablesFile } from './kql.js';
import { readRepoJson } from './helpers.js';

const tables = readRepoJson<TablesFile>('infra/schema/tables.json');
// The list on the page above, compared case-insensitively (Type and type clash in KQL too).
const RESERVED_COLUMN_NAMES = ['id', 'BilledSize', 'IsBillable', 'InvalidTimeGenerated', 'TenantId', 'Title', 'Type', 'UniqueId', '_ItemId', '_ResourceGroup', '_ResourceId', '_SubscriptionId', '_TimeReceived'];
const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]{1,44}$/;

describe.each([tables.findings, tables.scans])('table $tableName', (table) => {
  it('is a custom table (_CL) whose stream is Custom-<table>', () => {
    expect(table.tableName).toMatch(/^[A-Za-z0-9_]+_CL$/);
    expect(table.streamName).toBe(`Custom-${table.tableName}`);
  });

  it('has a TimeGenerated datetime column', () => {
    expect(table.columns).toContainEqual({ name: 'TimeGenerated', type: 'datetime' });
  });

  it('uses no reserved or system column name', () => {
    const reserved = new Set(RESERVED_COLUMN_NAMES.map((name) => name.toLowerCase()));
    expect(table.columns.map((column) => column.name).filter((name) => reserved.has(name.toLowerCase()))).toEqual([]);
  });

  it('uses only valid, unique column names', () => {
    const names = table.columns.map((column) => column.name);
    expect(names.filter((name) => !COLUMN_NAME.test(name))).toEqual([]);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
  });
});

describe('the reserved-name check', () => {
  it('catches the specification\'s Title column', () => {
    expect(RESERVED_COLUMN_NAMES).toContain('Title');
    expect(tables.findings.columns.map((column) => column.name)).toContain('RuleTitle');
  });
});
