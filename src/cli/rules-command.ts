/** `istio-isolation-scanner rules`: the rule catalogue, as a table, JSON or markdown. */
import { ALL_RULES } from '../rules/registry.js';
import { UsageError } from './exit-codes.js';

export function renderCatalogue(format: string): string {
  const rows = ALL_RULES.map(({ meta }) => ({ id: meta.id, severity: meta.defaultSeverity, category: meta.category, title: meta.title, requires: meta.requires }));
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows, null, 2)}\n`;
    case 'markdown':
      return `| ruleId | severity | category | title |\n|---|---|---|---|\n${rows.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.severity} | ${r.category} | ${r.title} |`).join('\n')}\n`;
    case 'table': {
      const idWidth = Math.max(6, ...rows.map((r) => r.id.length));
      const lines = [`${'ruleId'.padEnd(idWidth)}  severity  category   title`];
      for (const r of rows) lines.push(`${r.id.padEnd(idWidth)}  ${r.severity.padEnd(8)}  ${r.category.padEnd(9)}  ${r.title}`);
      lines.push('', `${rows.length} rules. Details: docs/rules/<ruleId>.md`);
      return `${lines.join('\n')}\n`;
    }
    default:
      throw new UsageError(`--format must be table, json or markdown (got "${format}")`);
  }
}
