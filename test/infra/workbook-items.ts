/**
 * The workbook's items, flattened out of groups, and its parameters: the declared ones
 * (parameter items) and the ones grids export on selection. Shared by workbook.test.ts and
 * kql.test.ts, which binds each query after substituting a representative value for every
 * parameter reference, as the workbook does before it runs the query.
 */
import { readRepoJson } from './helpers.js';

export interface WorkbookItem {
  type: number;
  name: string;
  content: Record<string, unknown> & { query?: string; items?: WorkbookItem[]; parameters?: WorkbookParameter[] };
  conditionalVisibility?: { parameterName: string; comparison: string; value: string };
}

export interface WorkbookParameter {
  id: string;
  name: string;
  type: number;
  multiSelect?: boolean;
  quote?: string;
  query?: string;
  typeSettings?: { selectAllValue?: string };
}

export const workbook = readRepoJson<{ items: WorkbookItem[]; fallbackResourceIds?: string[] }>('infra/workbook/isolation-workbook.json');

/** Every item, groups' children included, in document order. */
export function allItems(items: WorkbookItem[] = workbook.items): WorkbookItem[] {
  return items.flatMap((item) => [item, ...(item.type === 12 ? allItems(item.content.items ?? []) : [])]);
}

export const queryItems = allItems().filter((item) => item.type === 3);
export const declaredParameters = allItems().filter((item) => item.type === 9).flatMap((item) => item.content.parameters ?? []);
export const exportedParameters = queryItems.flatMap((item) => (item.content.exportedParameters as { parameterName: string; fieldName: string }[] | undefined) ?? []);

/** Parameter references in a text: {Name} and {Name:format}. */
export function parameterReferences(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)(?::[a-z]+)?\}/g)].map((match) => match[1]!);
}

/**
 * A query as the workbook runs it, with a representative value per parameter: a multi-select
 * dropdown with the "All" value (quoted as it is configured), an exported resource id.
 */
export function withParameterValues(query: string): string {
  return query.replace(/\{([A-Za-z][A-Za-z0-9_]*)(?::[a-z]+)?\}/g, (whole, name: string) => {
    const declared = declaredParameters.find((parameter) => parameter.name === name);
    if (declared?.multiSelect) return `${declared.quote ?? ''}${declared.typeSettings?.selectAllValue ?? 'x'}${declared.quote ?? ''}`;
    if (declared || exportedParameters.some((parameter) => parameter.parameterName === name)) return '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks';
    return whole;
  });
}
