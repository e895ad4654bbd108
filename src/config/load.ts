/**
 * Loads the one scanner configuration file (YAML or JSON; JSON is valid YAML, so one
 * parser reads both). Validation is a JSON Schema (schema.ts, ajv) plus the checks a
 * schema cannot express (known rule ids, real dates). Every error names the file, the
 * path of the bad field (`suppressions[0].expires`) and, when known, the line.
 */
import { readTextBounded } from '../read-bounded.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { SCANNER_CONFIG_SCHEMA } from './schema.js';
import { defaultConfig, type ScannerConfig } from './types.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// Compiled on first use: compiling costs more than a small scan, and most scans have no configuration file.
let configValidator: ValidateFunction | undefined;
function validateConfig(raw: unknown): boolean {
  configValidator ??= new Ajv({ allErrors: true, strict: true }).compile(SCANNER_CONFIG_SCHEMA);
  return configValidator(raw);
}

function configSchemaErrors(): ErrorObject[] {
  return configValidator?.errors ?? [];
}

/** `/suppressions/0/expires` -> ['suppressions', 0, 'expires']. */
function pathSegments(instancePath: string): Array<string | number> {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

export function formatPath(segments: Array<string | number>): string {
  return segments.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '') || '(root)';
}

function describeError(error: ErrorObject): { segments: Array<string | number>; text: string } {
  const segments = pathSegments(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { segments: [...segments, extra], text: 'is not a known setting' };
  }
  if (error.keyword === 'propertyNames') {
    const name = String((error.params as { propertyName: string }).propertyName);
    return { segments: [...segments, name], text: 'is not a valid rule id' };
  }
  if (error.keyword === 'enum') return { segments, text: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
  return { segments, text: error.message ?? 'is invalid' };
}

/** The schema checks the shape; this checks the calendar (no 30 February: Date would roll it over silently). */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(new Date(text).getTime());
}

export interface ParseConfigOptions {
  /** Rule ids that exist; unknown ids in disabledRules, severityOverrides and suppressions are errors. */
  knownRuleIds?: readonly string[];
}

/** Parses and validates configuration text. Throws ConfigError with every problem found. */
export function parseScannerConfig(text: string, fileName: string, options: ParseConfigOptions = {}): ScannerConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const { line } = lineCounter.linePos(error.pos[0]);
    throw new ConfigError(`${fileName}:${line}: not valid YAML or JSON: ${error.message.split('\n')[0]}`);
  }
  // maxAliasCount bounds alias expansion (billion-laughs) in a hand-edited file.
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError(`${fileName}: cannot be read: ${(error as Error).message}`);
  }
  const lineOf = (segments: Array<string | number>): string => {
    for (let length = segments.length; length >= 0; length--) {
      const node = document.getIn(segments.slice(0, length), true);
      if (isNode(node) && node.range) return `:${lineCounter.linePos(node.range[0]).line}`;
    }
    return '';
  };
  const problems: string[] = [];
  if (!validateConfig(raw)) {
    for (const error of configSchemaErrors()) {
      const { segments, text: message } = describeError(error);
      problems.push(`${fileName}${lineOf(segments)}: ${formatPath(segments)} ${message}`);
    }
  } else {
    const config = raw as Partial<ScannerConfig>;
    const known = options.knownRuleIds ? new Set(options.knownRuleIds) : undefined;
    const checkRule = (id: string, segments: Array<string | number>): void => {
      if (known && id !== '*' && !known.has(id)) problems.push(`${fileName}${lineOf(segments)}: ${formatPath(segments)} names unknown rule "${id}"`);
    };
    (config.disabledRules ?? []).forEach((id, index) => checkRule(id, ['disabledRules', index]));
    Object.keys(config.severityOverrides ?? {}).forEach((id) => checkRule(id, ['severityOverrides', id]));
    (config.suppressions ?? []).forEach((suppression, index) => {
      checkRule(suppression.ruleId, ['suppressions', index, 'ruleId']);
      if (suppression.expires !== undefined && !isRealDate(suppression.expires)) {
        problems.push(`${fileName}${lineOf(['suppressions', index, 'expires'])}: ${formatPath(['suppressions', index, 'expires'])} is not a real date`);
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const { $schema: _schema, ...settings } = raw as Partial<ScannerConfig> & { $schema?: string };
  return defaultConfig(settings);
}

/** A configuration file is a few KiB; far more is not one (or is `/dev/zero`). */
const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads and validates the configuration file at `path`. Callers pass the rule catalogue's ids
 * (configuration sits below the rules and does not import them).
 */
export function loadScannerConfig(path: string, options: ParseConfigOptions): ScannerConfig {
  let text: string;
  try {
    text = readTextBounded(path, MAX_CONFIG_FILE_BYTES);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ConfigError(`cannot read configuration file ${path}: ${code ?? message}`);
  }
  return parseScannerConfig(text, path, options);
}
