/**
 * JSON Schema of the scanner configuration file (docs/configuration.md). Validated with
 * ajv in load.ts; unknown keys are rejected so that a typo (`supressions`) is an error,
 * not a silently ignored setting.
 */
const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const severity = { enum: ['critical', 'high', 'medium', 'low', 'info'] } as const;
const ruleId = { type: 'string', pattern: '^([a-z0-9]+(-[a-z0-9]+)*|\\*)$' } as const;

export const SCANNER_CONFIG_SCHEMA = {
  $id: 'https://istio-isolation-scanner/config.schema.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    systemNamespaces: stringList,
    sharedNamespaces: stringList,
    tenantNamespaces: stringList,
    tenant: { ...stringList, minItems: 1 },
    disabledRules: { type: 'array', items: ruleId },
    severityOverrides: { type: 'object', propertyNames: ruleId, additionalProperties: severity },
    suppressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ruleId', 'reason'],
        properties: {
          ruleId,
          namespace: { type: 'string', minLength: 1 },
          resource: { type: 'string', minLength: 1 },
          reason: { type: 'string', minLength: 1 },
          // A date (valid through that day, UTC) or a full RFC 3339 timestamp.
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$' },
        },
      },
    },
    allowedShares: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to', 'reason'],
        properties: {
          from: { type: 'string', minLength: 1 },
          to: { type: 'string', minLength: 1 },
          kinds: { type: 'array', items: { enum: ['ServiceEntry', 'VirtualService', 'DestinationRule'] } },
          names: stringList,
          reason: { type: 'string', minLength: 1 },
        },
      },
    },
    istioVersion: { type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$' },
    // One Kubernetes API response (a LIST page) larger than this fails its kind; below the ~512 MiB a string can hold.
    maxApiResponseMiB: { type: 'integer', minimum: 1, maximum: 511 },
  },
} as const;
