// Azure Monitor alerts on the scanner's tables: (1) a new critical or high finding,
// (2) a cluster scan that failed, was partial or was skipped, (3) a cluster with no scan
// record for longer than the silence threshold. Queries live in infra/queries/*.kql (the
// tests parse and bind exactly these files against the tables' schema); each starts with
// `let` lines that this module rewrites to the deployed values.
//
// Timing (test/infra/alerts.test.ts checks it for every allowed scan interval):
//   - every rule runs hourly over a 2-day query range, the most a log search alert may look
//     back (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule,
//     "Override query time range");
//   - rules (1) and (2) decide "new" on ingestion_time() over the last evaluation period plus
//     a few minutes of overlap: rows that arrive late are evaluated, none fall between windows;
//   - rule (3) fires once per silence, when the newest record crosses the threshold, and is
//     stateless: a cluster silent for longer than the query range drops out of the result, and
//     a stateful rule would then report it resolved while it is still silent.
param namePrefix string
param location string
param tags object
param workspaceId string

@description('Hours between fleet scans (the timer schedule).')
param scanIntervalHours int

@description('Existing action group to notify; empty creates one (with the e-mail receivers below).')
param actionGroupResourceId string

@description('E-mail addresses of the created action group (ignored with actionGroupResourceId).')
param alertEmails array

// How often the rules run.
var evaluationMinutes = 60
// Overlap with the previous evaluation, so evaluation jitter never leaves a gap.
var overlapMinutes = 5
var windowMinutes = evaluationMinutes + overlapMinutes
// Log search alerts look back at most 2 days.
var queryRangeHours = 48
// Two intervals, as long as that leaves the threshold crossing inside the query range; at
// 24 hours (where 2 intervals would be the whole range) one interval plus 12 hours.
var silenceThresholdHours = min(2 * scanIntervalHours, scanIntervalHours + 12)

var newFindingQuery = replace(loadTextContent('../queries/alert-new-critical-high.kql'), 'let alertWindow = 65m;', 'let alertWindow = ${windowMinutes}m;')
var failedScanQuery = replace(loadTextContent('../queries/alert-scan-failed-or-partial.kql'), 'let alertWindow = 65m;', 'let alertWindow = ${windowMinutes}m;')
var silentClusterQuery = replace(replace(loadTextContent('../queries/alert-cluster-silent.kql'), 'let silenceThreshold = 12h;', 'let silenceThreshold = ${silenceThresholdHours}h;'), 'let band = 65m;', 'let band = ${windowMinutes}m;')

resource createdActionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (empty(actionGroupResourceId)) {
  name: '${namePrefix}-ag'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'isoscan'
    enabled: true
    emailReceivers: [for (email, i) in alertEmails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
  }
}

var actionGroupId = empty(actionGroupResourceId) ? createdActionGroup.id : actionGroupResourceId

var rules = [
  {
    key: 'new-critical-high-finding'
    displayName: 'Istio isolation: new critical or high finding'
    description: 'A critical or high finding arrived that no scan of the previous two days reported.'
    severity: 1
    query: newFindingQuery
    // One alert per cluster, severity and rule: a stateful alert does not notify again until
    // it resolves, so a new finding of another rule must not fall into an alert still open.
    dimensions: ['ClusterName', 'Severity', 'RuleId']
    autoMitigate: true
  }
  {
    key: 'scan-failed-or-partial'
    displayName: 'Istio isolation: cluster scan failed, partial or skipped'
    description: 'A cluster scan failed after all retries, could not read some kinds, or was skipped by policy: its findings are incomplete or missing.'
    severity: 2
    query: failedScanQuery
    dimensions: ['ClusterName', 'Status']
    autoMitigate: true
  }
  {
    key: 'cluster-silent'
    displayName: 'Istio isolation: cluster not scanned'
    description: 'A cluster has produced no scan record for ${silenceThresholdHours} hours (scans run every ${scanIntervalHours} hours). Fires once; close the alert when the cluster is scanned again.'
    severity: 2
    query: silentClusterQuery
    dimensions: ['ClusterName']
    autoMitigate: false
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: '${namePrefix}-${rule.key}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: rule.displayName
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [workspaceId]
    evaluationFrequency: 'PT${evaluationMinutes}M'
    windowSize: 'PT${evaluationMinutes}M'
    overrideQueryTimeRange: 'PT${queryRangeHours}H'
    // The custom tables are created in the same deployment (this module runs after the
    // log-tables module), but a new table can take minutes to become resolvable by the query
    // service, and rule creation then fails with "Failed to resolve table". The queries are
    // parsed and bound against the tables' schema in CI instead (test/infra/kql.test.ts).
    skipQueryValidation: true
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [for dimension in rule.dimensions: {
            name: dimension
            operator: 'Include'
            values: ['*']
          }]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: rule.autoMitigate
    actions: { actionGroups: [actionGroupId] }
  }
}]

output actionGroupId string = actionGroupId
output alertRuleNames array = [for (rule, i) in rules: alertRules[i].name]
output silenceThresholdHours int = silenceThresholdHours
