/**
 * The report formats the CLI can write, by name. Each entry loads its renderer only when a
 * run asks for it, so a scan that prints a table never parses the SARIF or JUnit code.
 * A new format is one entry here (name, file extension, one-line description, loader); the
 * CLI's `--format NAME` and `--output NAME=FILE` pick it up from this list.
 */
import type { FailOn } from './gate.js';
import type { ScanReport } from './types.js';

/** What a renderer may need besides the report. */
export interface RenderContext {
  /** The run's `--fail-on`: formats that mark failing findings (JUnit, markdown) read it. */
  failOn: FailOn;
  /** ANSI colours (the table on a terminal only). */
  color: boolean;
  /** Columns of the terminal the table goes to (undefined: not a terminal, 100 columns). */
  width?: number;
  /** Repository web URL for rule links (SARIF helpUri, markdown). */
  docsBaseUrl: string;
  /** The directory the user ran the command in: finding file names are relative to it. */
  cwd: string;
  /** SARIF only: the root relative URIs are resolved against, and where cluster-level results point. */
  sarif?: {
    /** %SRCROOT%: the repository root (or the working directory outside a repository). */
    srcRoot: string;
    /** Files (absolute paths), best first, a result without a manifest location points at, and what each is. */
    anchors: Array<{ path: string; role: string }>;
  };
  /** Messages for the user (stderr), e.g. a SARIF report trimmed to GitHub's limits. */
  warn: (message: string) => void;
}

/** Text in one piece, or in chunks for reports too large for one string. */
export type RenderedReport = string | Iterable<string> | AsyncIterable<string>;
export type Renderer = (report: ScanReport, context: RenderContext) => RenderedReport | Promise<RenderedReport>;

export interface ReportFormat {
  name: string;
  /** File extension without the dot, used to guess a format from `--output FILE`. */
  extension: string;
  description: string;
  load(): Promise<Renderer>;
}

export const REPORT_FORMATS: readonly ReportFormat[] = [
  {
    name: 'table',
    extension: 'txt',
    description: 'readable report for a terminal (default)',
    load: async () => {
      const { renderTable } = await import('./render/table.js');
      return (report, context) => renderTable(report, { color: context.color, width: context.width, failOn: context.failOn });
    },
  },
  {
    name: 'json',
    extension: 'json',
    description: 'every finding with the Log Analytics columns (findings.md); input of --baseline',
    load: async () => (await import('./json.js')).renderJsonChunks,
  },
  {
    name: 'sarif',
    extension: 'sarif',
    description: 'SARIF 2.1.0 for GitHub code scanning and other SARIF viewers',
    load: async () => {
      const { renderSarif } = await import('./sarif.js');
      return (report, context) => renderSarif(report, { repositoryUrl: context.docsBaseUrl, srcRoot: context.sarif?.srcRoot ?? context.cwd, cwd: context.cwd, anchors: context.sarif?.anchors ?? [], warn: context.warn });
    },
  },
  {
    name: 'markdown',
    extension: 'md',
    description: 'pull-request comment or job summary, capped to fit a GitHub comment',
    load: async () => {
      const { renderMarkdown } = await import('./markdown.js');
      return (report, context) => renderMarkdown(report, { docsBaseUrl: context.docsBaseUrl, failOn: context.failOn });
    },
  },
  {
    name: 'html',
    extension: 'html',
    description: 'one self-contained page: fleet and cluster summaries, the tenant exposure graph, filterable findings',
    load: async () => {
      const { renderHtml } = await import('./html/render.js');
      return (report, context) => renderHtml(report, { docsBaseUrl: context.docsBaseUrl });
    },
  },
  {
    name: 'junit',
    extension: 'xml',
    description: 'JUnit XML for the test tabs of Azure DevOps and GitLab',
    load: async () => {
      const { renderJunit } = await import('./junit.js');
      return (report, context) => renderJunit(report, { failOn: context.failOn });
    },
  },
];

export function reportFormat(name: string): ReportFormat | undefined {
  return REPORT_FORMATS.find((format) => format.name === name);
}

export function reportFormatNames(): string[] {
  return REPORT_FORMATS.map((format) => format.name);
}

/** The format whose extension a file name ends with (`report.sarif` -> sarif), if any. */
export function formatOfFileName(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return REPORT_FORMATS.find((format) => lower.endsWith(`.${format.extension}`))?.name ?? (lower.endsWith('.markdown') ? 'markdown' : undefined);
}
