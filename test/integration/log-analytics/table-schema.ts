/**
 * Checks rows against the column list the infrastructure declares: infra/schema/tables.json,
 * the single schema file the Bicep loads with loadJsonContent (read here, never copied).
 */
import { readFileSync } from 'node:fs';

export interface TableColumn {
  name: string;
  type: 'datetime' | 'string' | 'int' | 'long' | 'real' | 'boolean' | 'dynamic' | 'guid';
}

export interface TableSchema {
  tableName: string;
  streamName: string;
  columns: TableColumn[];
}

export function loadTableSchemas(): { findings: TableSchema; scans: TableSchema } {
  return JSON.parse(readFileSync(new URL('../../../infra/schema/tables.json', import.meta.url), 'utf8')) as { findings: TableSchema; scans: TableSchema };
}

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `value` is a faithful JSON value for a Log Analytics column of `type`. */
function fitsType(type: TableColumn['type'], value: unknown): boolean {
  switch (type) {
    case 'datetime':
      return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
    case 'string':
    case 'guid':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX;
    case 'long':
      return Number.isSafeInteger(value);
    case 'real':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'dynamic':
      // Any JSON value; undefined would vanish from the body and leave the column empty.
      return value !== undefined;
  }
}

/** Every way `row` departs from `schema`: missing columns, unknown columns, wrong types. Empty when valid. */
export function schemaProblems(row: Record<string, unknown>, schema: TableSchema): string[] {
  const problems: string[] = [];
  const declared = new Set(schema.columns.map((column) => column.name));
  for (const column of schema.columns) {
    if (!(column.name in row)) problems.push(`${schema.tableName}: missing column ${column.name}`);
    else if (!fitsType(column.type, row[column.name])) problems.push(`${schema.tableName}: column ${column.name} should be ${column.type}, got ${JSON.stringify(row[column.name])}`);
  }
  for (const name of Object.keys(row)) {
    if (!declared.has(name)) problems.push(`${schema.tableName}: column ${name} is not declared`);
  }
  return problems;
}
