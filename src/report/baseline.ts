/**
 * `--baseline previous.json`: the JSON report of an earlier run (`--output json=FILE`) as the
 * findings "before". Only what comparison needs is read back, and the file is checked
 * against the JSON report schema's essentials, so a SARIF file or a truncated download is
 * refused with a message instead of making every finding look new (or none).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Finding } from '../rules/types.js';
import { CATEGORIES, SEVERITIES } from '../rules/types.js';

export class BaselineError extends Error {}

const BASELINE_SCHEMA = {
  type: 'object',
  required: ['scanId', 'scanner', 'clusters'],
  properties: {
    clusters: {
      type: 'array',
      items: {
        type: 'object',
        required: ['cluster', 'findings'],
        properties: {
          cluster: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          findings: {
            type: 'array',
            items: {
              type: 'object',
              required: ['findingId', 'ruleId', 'severity', 'message', 'namespace', 'suppressed'],
              properties: {
                findingId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
                ruleId: { type: 'string' },
                severity: { enum: [...SEVERITIES] },
                category: { enum: [...CATEGORIES] },
                message: { type: 'string' },
                namespace: { type: 'string' },
                suppressed: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;
/** Compiled on first use: runs without --baseline never pay for it. */
function validateBaseline(document: unknown): boolean {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(BASELINE_SCHEMA);
  return validator(document);
}

interface RawFinding {
  findingId: string;
  ruleId: string;
  severity: Finding['severity'];
  category?: Finding['category'];
  title?: string;
  message: string;
  namespace: string;
  resource?: Finding['resource'] | null;
  affectedNamespaces?: string[];
  evidence?: Record<string, unknown>;
  remediation?: string;
  suppressed: boolean;
  suppressionReason?: string;
  source?: Finding['source'] | null;
}

function toFinding(raw: RawFinding): Finding {
  return {
    findingId: raw.findingId,
    ruleId: raw.ruleId,
    severity: raw.severity,
    category: raw.category ?? 'coverage',
    title: raw.title ?? raw.ruleId,
    message: raw.message,
    namespace: raw.namespace,
    resource: raw.resource ?? undefined,
    affectedNamespaces: Array.isArray(raw.affectedNamespaces) ? raw.affectedNamespaces : [],
    evidence: raw.evidence ?? {},
    remediation: raw.remediation ?? '',
    suppressed: raw.suppressed,
    suppressionReason: raw.suppressionReason || undefined,
    subjectKey: '',
    source: raw.source ?? undefined,
  };
}

/** Findings of each cluster of a JSON report, by cluster name. */
export function parseBaselineReport(text: string, name: string): Map<string, Finding[]> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${name} is not JSON: ${(error as Error).message}`);
  }
  if (!validateBaseline(document)) {
    const error = validator?.errors?.[0];
    const isSarif = typeof document === 'object' && document !== null && 'runs' in document;
    throw new BaselineError(`${name} is not a JSON report of this scanner${isSarif ? ' (it is SARIF; write the baseline with --output json=FILE)' : ''}: ${error?.instancePath || '(root)'} ${error?.message ?? 'is invalid'}`);
  }
  const clusters = new Map<string, Finding[]>();
  for (const cluster of (document as { clusters: Array<{ cluster: { name: string }; findings: RawFinding[] }> }).clusters) {
    clusters.set(cluster.cluster.name, [...(clusters.get(cluster.cluster.name) ?? []), ...cluster.findings.map(toFinding)]);
  }
  return clusters;
}
