/**
 * SARIF 2.1.0 output (OASIS SARIF v2.1.0, docs.oasis-open.org/sarif/sarif/v2.1.0): one run,
 * the whole rule catalogue as `tool.driver.rules` (help text + helpUri to the rule's doc
 * page), one result per finding located at the manifest file and line for offline scans
 * (and a logical location cluster/namespace/kind/name always). Suppressed findings stay,
 * carrying a SARIF `suppressions` entry, so code-scanning UIs show them as dismissed.
 * `security-severity` is the property GitHub code scanning reads to rank results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { ALL_RULES } from '../rules/registry.js';
import type { Finding, Rule, Severity } from '../rules/types.js';
import type { ScanReport } from './types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Used when package.json names no repository (set "repository" there to point helpUri at your fork). */
export const DEFAULT_REPOSITORY_URL = 'https://github.com/contoso/istio-isolation-scanner';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** Repository web URL from package.json `repository` (string or { url }), else the default. */
export function repositoryUrl(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; repository?: string | { url?: string } };
      if (pkg.name === 'istio-isolation-scanner') {
        const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
        if (raw) return raw.replace(/^git\+/, '').replace(/\.git$/, '');
        break;
      }
    }
    dir = dirname(dir);
  }
  return DEFAULT_REPOSITORY_URL;
}

export function ruleDocUrl(ruleId: string, baseUrl: string = repositoryUrl()): string {
  return `${baseUrl}/blob/main/docs/rules/${ruleId}.md`;
}

function descriptor(rule: Rule, baseUrl: string): ReportingDescriptor {
  const { meta } = rule;
  const references = meta.references.map((url) => `- ${url}`).join('\n');
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    help: {
      text: `${meta.remediation}${meta.references.length ? `\nReferences: ${meta.references.join(' ')}` : ''}`,
      markdown: `**${meta.title}**\n\n${meta.rationale}\n\n**How to fix:** ${meta.remediation}${references ? `\n\n${references}` : ''}`,
    },
    helpUri: ruleDocUrl(meta.id, baseUrl),
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: {
      category: meta.category,
      severity: meta.defaultSeverity,
      'security-severity': SECURITY_SEVERITY[meta.defaultSeverity],
      tags: ['security', 'istio', meta.category],
      ...(meta.versionNote ? { istioVersion: meta.versionNote } : {}),
    },
  };
}

/**
 * Files under the working directory are reported relative to %SRCROOT% (what code-scanning
 * UIs resolve against the repository). A file outside it keeps its absolute path, as a
 * file:// URI without uriBaseId: SARIF (3.4.4) lets uriBaseId go only with a relative URI.
 */
export function artifactLocationOf(file: string): { uri: string; uriBaseId?: string } {
  const slashed = file.split('\\').join('/');
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(slashed), uriBaseId: '%SRCROOT%' };
}

function locationsOf(finding: Finding, clusterName: string): Location[] {
  const logicalName = [clusterName, finding.resource?.namespace || finding.namespace, finding.resource?.kind, finding.resource?.name].filter(Boolean).join('/');
  const location: Location = {
    logicalLocations: [{ fullyQualifiedName: logicalName || clusterName, kind: finding.resource ? 'resource' : 'cluster' }],
  };
  if (finding.source) {
    location.physicalLocation = {
      artifactLocation: artifactLocationOf(finding.source.file),
      region: { startLine: Math.max(1, finding.source.line) },
    };
  }
  return [location];
}

export interface SarifOptions {
  /** Repository web URL for helpUri; defaults to package.json `repository`. */
  repositoryUrl?: string;
  rules?: readonly Rule[];
}

export function buildSarif(report: ScanReport, options: SarifOptions = {}): Log {
  const baseUrl = options.repositoryUrl ?? repositoryUrl();
  const catalogue = [...(options.rules ?? ALL_RULES)];
  const index = new Map(catalogue.map((rule, i) => [rule.meta.id, i]));
  const results: Result[] = [];
  for (const cluster of report.clusters) {
    const clusterName = cluster.record.cluster.name;
    for (const finding of cluster.findings) {
      const result: Result = {
        ruleId: finding.ruleId,
        level: LEVEL[finding.severity],
        message: { text: finding.message },
        locations: locationsOf(finding, clusterName),
        partialFingerprints: { 'findingId/v1': finding.findingId },
        properties: {
          severity: finding.severity,
          'security-severity': SECURITY_SEVERITY[finding.severity],
          cluster: clusterName,
          namespace: finding.namespace,
          affectedNamespaces: finding.affectedNamespaces,
          findingId: finding.findingId,
        },
      };
      const ruleIndex = index.get(finding.ruleId);
      if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
      // `kind` + `justification` only: the suppression state property is `state` in the 2.1.0
      // committee schema and `status` in the errata, so it is left out to validate against both.
      if (finding.suppressed) result.suppressions = [{ kind: 'external', justification: finding.suppressionReason || 'suppressed' }];
      results.push(result);
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'istio-isolation-scanner',
            version: report.scanner.version,
            semanticVersion: report.scanner.version,
            informationUri: baseUrl,
            rules: catalogue.map((rule) => descriptor(rule, baseUrl)),
          },
        },
        automationDetails: { id: `istio-isolation-scanner/${report.scanId}` },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory the scan was run from; manifest paths are relative to it.' } } },
        results,
      },
    ],
  };
}

export function renderSarif(report: ScanReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}
