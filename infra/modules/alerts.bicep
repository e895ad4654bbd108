// Azure Monitor alerts on the scanner's tables: (1) a new critical or high finding,
// (2) a cluster scan that failed or was partial, (3) a cluster with no scan record for
// longer than two schedule intervals. Queries live in infra/queries/*.kql (the tests parse
// and bind exactly these files against the tables' schema); each starts with a `let` line
// that this module rewrites to the deployed interval.
param namePrefix string
param location string
param tags object
param workspaceId string

@description('Hours between fleet scans (the timer schedule); the silence alert fires after two intervals.')
param scanIntervalHours int

@description('Existing action group to notify; empty creates one (with the e-mail receivers below).')
param actionGroupResourceId string

@description('E-mail addresses of the created action group (ignored with actionGroupResourceId).')
param alertEmails array

// How often the rules run, and so the "new" window of rules (1) and (2).
var evaluationHours = 1
// Log search alerts can look back at most 2 days; rules (1) and (3) need more than their window.
var queryRange = 'P2D'

var newFindingQuery = replace(loadTextContent('../queries/alert-new-critical-high.kql'), 'let alertWindow = 1h;', 'let alertWindow = ${evaluationHours}h;')
var failedScanQuery = replace(loadTextContent('../queries/alert-scan-failed-or-partial.kql'), 'let alertWindow = 1h;', 'let alertWindow = ${evaluationHours}h;')
var silentClusterQuery = replace(loadTextContent('../queries/alert-cluster-silent.kql'), 'let silenceThreshold = 12h;', 'let silenceThreshold = ${2 * scanIntervalHours}h;')

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
    description: 'A critical or high finding appeared that no scan of the previous two days reported.'
    severity: 1
    query: newFindingQuery
    dimensions: ['ClusterName', 'Severity']
    windowHours: evaluationHours
    overrideRange: queryRange
  }
  {
    key: 'scan-failed-or-partial'
    displayName: 'Istio isolation: cluster scan failed or partial'
    description: 'A cluster scan failed after all retries, or could not read some kinds: its findings are incomplete.'
    severity: 2
    query: failedScanQuery
    dimensions: ['ClusterName', 'Status']
    windowHours: evaluationHours
    overrideRange: ''
  }
  {
    key: 'cluster-silent'
    displayName: 'Istio isolation: cluster not scanned'
    description: 'A cluster has produced no scan record for longer than two scan intervals.'
    severity: 2
    query: silentClusterQuery
    dimensions: ['ClusterName']
    windowHours: evaluationHours
    overrideRange: queryRange
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
    evaluationFrequency: 'PT${evaluationHours}H'
    windowSize: 'PT${rule.windowHours}H'
    overrideQueryTimeRange: empty(rule.overrideRange) ? null : rule.overrideRange
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
    // Findings and silence persist until fixed; resolve the alert when the query stops returning rows.
    autoMitigate: true
    actions: { actionGroups: [actionGroupId] }
  }
}]

output actionGroupId string = actionGroupId
output alertRuleNames array = [for (rule, i) in rules: alertRules[i].name]
