/**
 * What infra/main.bicep deploys, evaluated by the Bicep CLI (`bicep snapshot`) for concrete
 * parameters: app settings, identity-only storage, Flex Consumption on Node 22, the tables
 * and the data collection rule from infra/schema/tables.json, least-privilege role
 * assignments, policies, alerts and the workbook.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kqlDiagnostics, type TablesFile } from './kql.js';
import { readRepoFile, readRepoJson, resourcesOfType, snapshotDeployment, type ArmResource, type DeploymentSnapshot } from './helpers.js';

const homeSubscription = '00000000-0000-0000-0000-00000000aaaa';
const otherSubscription = '00000000-0000-0000-0000-00000000bbbb';
const tables = readRepoJson<TablesFile>('infra/schema/tables.json');
const roleIds = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
};

const props = (resource: ArmResource | undefined): Record<string, any> => (resource?.properties ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const single = (snapshot: DeploymentSnapshot, type: string): ArmResource => {
  const found = resourcesOfType(snapshot, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const idOf = (resource: ArmResource): string => String(resource.id);
const roleGuidOf = (assignment: ArmResource): string => String(props(assignment).roleDefinitionId).split('/').pop()!;

let deployment: DeploymentSnapshot;

beforeAll(() => {
  deployment = snapshotDeployment(
    'infra/main.bicep',
    { environmentName: 'ci', location: 'westeurope', scanSubscriptionIds: [homeSubscription, otherSubscription], scanIntervalHours: 8 },
    { subscriptionId: homeSubscription },
  );
});

describe('the Function App', () => {
  // Names in local.settings.sample.json that are deliberately not app settings in Azure.
  const localOnly: Record<string, string> = {
    // Flex Consumption takes the runtime from functionAppConfig.runtime and rejects this setting.
    FUNCTIONS_WORKER_RUNTIME: 'set by functionAppConfig.runtime on Flex Consumption',
    // A connection string needs an account key; shared keys are disabled, the
    // AzureWebJobsStorage__* identity settings are used instead.
    AzureWebJobsStorage: 'replaced by the identity-based AzureWebJobsStorage__* settings',
  };

  it('has exactly the app settings of local.settings.sample.json, less the local-only ones', () => {
    const sample = Object.keys(readRepoJson<{ Values: Record<string, string> }>('local.settings.sample.json').Values);
    const deployed = (props(single(deployment, 'Microsoft.Web/sites')).siteConfig.appSettings as { name: string }[]).map((setting) => setting.name);
    expect(Object.keys(localOnly).every((name) => sample.includes(name))).toBe(true);
    expect([...deployed].sort()).toEqual(sample.filter((name) => !(name in localOnly)).sort());
    expect(new Set(deployed).size).toBe(deployed.length);
  });

  it('gets its values from the deployment', () => {
    const settings = Object.fromEntries((props(single(deployment, 'Microsoft.Web/sites')).siteConfig.appSettings as { name: string; value: string }[]).map((s) => [s.name, s.value]));
    const queueNames = resourcesOfType(deployment, 'Microsoft.Storage/storageAccounts/queueServices/queues').map((queue) => String(queue.name).split('/').pop());
    expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
    expect(settings.AzureWebJobsStorage__accountName).toBe(single(deployment, 'Microsoft.Storage/storageAccounts').name);
    expect(settings.SCAN_SCHEDULE).toBe('0 0 */8 * * *');
    expect(queueNames).toEqual(expect.arrayContaining([settings.SCAN_QUEUE_NAME, `${settings.SCAN_QUEUE_NAME}-poison`]));
    expect(settings.SCAN_SUBSCRIPTION_IDS).toBe(`${homeSubscription},${otherSubscription}`);
    expect(settings.LOGS_FINDINGS_STREAM).toBe(tables.findings.streamName);
    expect(settings.LOGS_SCANS_STREAM).toBe(tables.scans.streamName);
    expect(settings.CLUSTER_SCAN_DEADLINE_SECONDS).toBe('300');
    // The identity's client id is known only at deployment time.
    expect(settings.AZURE_CLIENT_ID).toMatch(/userAssignedIdentities\/.*\.clientId/);
    expect(settings.AzureWebJobsStorage__clientId).toBe(settings.AZURE_CLIENT_ID);
  });

  it('runs Node 22 on Flex Consumption as the user-assigned identity, HTTPS only', () => {
    const app = single(deployment, 'Microsoft.Web/sites');
    const plan = single(deployment, 'Microsoft.Web/serverfarms');
    const identity = single(deployment, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    expect(plan.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    expect(props(app).serverFarmId).toBe(idOf(plan));
    expect(props(app).functionAppConfig.runtime).toEqual({ name: 'node', version: '22' });
    expect(app.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [idOf(identity)]: {} } });
    expect(props(app).functionAppConfig.deployment.storage.authentication).toEqual({ type: 'UserAssignedIdentity', userAssignedIdentityResourceId: idOf(identity) });
    expect(props(app).httpsOnly).toBe(true);
    expect(props(app).siteConfig.minTlsVersion).toBe('1.2');
    expect(props(app).siteConfig.ftpsState).toBe('Disabled');
  });
});

describe('the storage account', () => {
  it('allows identity-based access only, TLS 1.2, no public blobs', () => {
    const storage = props(single(deployment, 'Microsoft.Storage/storageAccounts'));
    expect(storage).toMatchObject({ allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, supportsHttpsTrafficOnly: true });
    const container = single(deployment, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(props(container).publicAccess).toBe('None');
  });
});

describe('Log Analytics', () => {
  const tableFor = (name: string) => resourcesOfType(deployment, 'Microsoft.OperationalInsights/workspaces/tables').find((table) => String(table.name).endsWith(`/${name}`));

  it.each([tables.findings, tables.scans])('creates $tableName with the columns of tables.json', (table) => {
    const deployed = props(tableFor(table.tableName)).schema.columns as { name: string; type: string }[];
    // The tables API spells datetime 'dateTime'; everything else is identical.
    expect(deployed).toEqual(table.columns.map((column) => ({ name: column.name, type: column.type === 'datetime' ? 'dateTime' : column.type })));
  });

  it('ingests through a data collection rule with one stream per table, into those tables', () => {
    const rule = single(deployment, 'Microsoft.Insights/dataCollectionRules');
    const endpoint = single(deployment, 'Microsoft.Insights/dataCollectionEndpoints');
    const workspace = single(deployment, 'Microsoft.OperationalInsights/workspaces');
    expect(props(rule).dataCollectionEndpointId).toBe(idOf(endpoint));
    expect(props(rule).streamDeclarations).toEqual({
      [tables.findings.streamName]: { columns: tables.findings.columns },
      [tables.scans.streamName]: { columns: tables.scans.columns },
    });
    expect(props(rule).destinations.logAnalytics).toEqual([{ name: expect.any(String), workspaceResourceId: idOf(workspace) }]);
    const flows = props(rule).dataFlows as { streams: string[]; outputStream: string; transformKql: string }[];
    expect(flows.map((flow) => [flow.streams, flow.outputStream])).toEqual([
      [[tables.findings.streamName], `Custom-${tables.findings.tableName}`],
      [[tables.scans.streamName], `Custom-${tables.scans.tableName}`],
    ]);
  });

  it('puts Application Insights on the same workspace', () => {
    const workspace = single(deployment, 'Microsoft.OperationalInsights/workspaces');
    expect(props(single(deployment, 'Microsoft.Insights/components')).WorkspaceResourceId).toBe(idOf(workspace));
  });

  it('uses an existing workspace when given one, creating only the tables in it', () => {
    const existing = `/subscriptions/${otherSubscription}/resourceGroups/rg-shared-logs/providers/Microsoft.OperationalInsights/workspaces/central-logs`;
    const withExisting = snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope', existingWorkspaceResourceId: existing }, { subscriptionId: homeSubscription });
    expect(resourcesOfType(withExisting, 'Microsoft.OperationalInsights/workspaces')).toEqual([]);
    expect(resourcesOfType(withExisting, 'Microsoft.OperationalInsights/workspaces/tables').map(idOf).sort()).toEqual(
      [tables.findings.tableName, tables.scans.tableName].map((name) => `${existing}/tables/${name}`).sort(),
    );
    expect(props(single(withExisting, 'Microsoft.Insights/dataCollectionRules')).destinations.logAnalytics[0].workspaceResourceId).toBe(existing);
  });
});

describe('role assignments of the scanner identity', () => {
  const assignments = () => resourcesOfType(deployment, 'Microsoft.Authorization/roleAssignments');
  const customRole = () => single(deployment, 'Microsoft.Authorization/roleDefinitions');

  it('are exactly: Reader, Cluster User and the custom reader per scanned subscription, storage data roles, and Metrics Publisher on the rule', () => {
    const rule = idOf(single(deployment, 'Microsoft.Insights/dataCollectionRules'));
    const storage = idOf(single(deployment, 'Microsoft.Storage/storageAccounts'));
    const custom = String(customRole().name);
    const granted = assignments().map((assignment) => `${roleGuidOf(assignment)} @ ${idOf(assignment).split('/providers/Microsoft.Authorization/roleAssignments/')[0]}`);
    expect(granted.sort()).toEqual(
      [
        ...[homeSubscription, otherSubscription].flatMap((subscription) => [roleIds.reader, roleIds.aksClusterUser, custom].map((role) => `${role} @ /subscriptions/${subscription}`)),
        `${roleIds.storageBlobDataOwner} @ ${storage}`,
        `${roleIds.storageQueueDataContributor} @ ${storage}`,
        `${roleIds.storageTableDataContributor} @ ${storage}`,
        `${roleIds.monitoringMetricsPublisher} @ ${rule}`,
      ].sort(),
    );
    for (const assignment of assignments()) {
      expect(props(assignment).principalType).toBe('ServicePrincipal');
      expect(props(assignment).principalId).toMatch(/userAssignedIdentities\/iis-ci-id.*\.principalId/);
    }
  });

  it('define the custom role with the data actions of roles/scanner-kubernetes-reader.json, assignable in the scanned subscriptions', () => {
    const file = readRepoJson<{ dataActions: string[] }>('infra/roles/scanner-kubernetes-reader.json');
    const permissions = props(customRole()).permissions as { actions: string[]; dataActions: string[]; notDataActions: string[] }[];
    expect(permissions).toEqual([{ actions: [], notActions: [], dataActions: file.dataActions, notDataActions: [] }]);
    expect(props(customRole()).assignableScopes).toEqual([`/subscriptions/${homeSubscription}`, `/subscriptions/${otherSubscription}`]);
    expect(props(customRole()).roleName).toContain('(ci)');
  });

  it('narrow custom-resource reads with an ABAC condition on the custom role assignment only', () => {
    const conditioned = assignments().filter((assignment) => props(assignment).condition);
    expect(conditioned.map(roleGuidOf)).toEqual([String(customRole().name), String(customRole().name)]);
    for (const assignment of conditioned) {
      expect(props(assignment).conditionVersion).toBe('2.0');
      expect(props(assignment).condition).toMatch(/^\(\(!\(ActionMatches\{'Microsoft\.ContainerService\/managedClusters\/customresources\/read'\}\)\) OR /);
    }
  });

  it('grant no write role anywhere but the storage data plane and the data collection rule', () => {
    const allowed = new Set([roleIds.reader, roleIds.aksClusterUser, String(customRole().name), roleIds.storageBlobDataOwner, roleIds.storageQueueDataContributor, roleIds.storageTableDataContributor, roleIds.monitoringMetricsPublisher]);
    expect(assignments().filter((assignment) => !allowed.has(roleGuidOf(assignment)))).toEqual([]);
  });

  it('are left to management-group.bicep when scanScope is managementGroup', () => {
    const mg = snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope', scanScope: 'managementGroup' }, { subscriptionId: homeSubscription });
    const subscriptionLevel = mg.predictedResources.filter((resource) => /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\//.test(idOf(resource)));
    expect(subscriptionLevel).toEqual([]);
    const settings = props(single(mg, 'Microsoft.Web/sites')).siteConfig.appSettings as { name: string; value: string }[];
    expect(settings.find((setting) => setting.name === 'SCAN_SUBSCRIPTION_IDS')?.value).toBe('');
  });
});

describe('Azure Policy', () => {
  const builtIns: Record<string, string> = {
    '0a15ec92-a229-4763-bb14-0ea34a568f8d': 'Azure Policy add-on',
    '993c2fcd-2b29-49d2-9eb0-df2c3a730c32': 'local accounts disabled',
    '450d2877-ebea-41e8-b00c-e286317d21bf': 'Entra ID integration',
    'ac4a19c2-fa67-49b4-8ae5-0b2e78c49457': 'RBAC',
    'a1840de2-8088-4ea8-b153-b4c723e9cb01': 'Defender profile',
    'a3dc4946-dba6-43e6-950d-f96532848c9f': 'cluster-admin only where required',
    'ca8d5704-aa2b-40cf-b110-dc19052825ad': 'minimal wildcards in roles',
  };

  it.each([homeSubscription, otherSubscription])('assigns the built-in AKS definitions and the custom exportTo definition in %s, auditing by default', (subscription) => {
    const assigned = resourcesOfType(deployment, 'Microsoft.Authorization/policyAssignments').filter((assignment) => idOf(assignment).startsWith(`/subscriptions/${subscription}/`));
    const definitionIds = assigned.map((assignment) => String(props(assignment).policyDefinitionId));
    expect(definitionIds.sort()).toEqual([...Object.keys(builtIns).map((id) => `/providers/Microsoft.Authorization/policyDefinitions/${id}`), `/subscriptions/${subscription}/providers/Microsoft.Authorization/policyDefinitions/istio-exportto-explicit`].sort());
    for (const assignment of assigned) expect(props(assignment).parameters.effect).toEqual({ value: 'Audit' });
  });

  it('passes the effects through as parameters', () => {
    const denying = snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope', exportToPolicyEffect: 'Deny', localAccountsPolicyEffect: 'Deny', aksPolicyEffect: 'Disabled' }, { subscriptionId: homeSubscription });
    const effectOf = (definitionSuffix: string) =>
      props(resourcesOfType(denying, 'Microsoft.Authorization/policyAssignments').find((assignment) => String(props(assignment).policyDefinitionId).endsWith(definitionSuffix))).parameters.effect.value;
    expect(effectOf('/istio-exportto-explicit')).toBe('Deny');
    expect(effectOf('/993c2fcd-2b29-49d2-9eb0-df2c3a730c32')).toBe('Deny');
    expect(effectOf('/a1840de2-8088-4ea8-b153-b4c723e9cb01')).toBe('Disabled');
  });

  it('embeds the Gatekeeper ConstraintTemplate file in the custom definition', () => {
    const definitions = resourcesOfType(deployment, 'Microsoft.Authorization/policyDefinitions');
    expect(definitions).toHaveLength(2);
    const policyFile = readRepoJson<{ policyRule: { then: { details: object } } }>('infra/policy/istio-exportto.policy.json');
    for (const definition of definitions) {
      const details = props(definition).policyRule.then.details;
      expect(details.templateInfo.sourceType).toBe('Base64Encoded');
      expect(Buffer.from(details.templateInfo.content, 'base64').toString('utf8')).toBe(readRepoFile('policies/gatekeeper/serviceentry-exportto-template.yaml'));
      const { templateInfo: _templateInfo, ...rest } = details;
      expect(rest).toEqual(policyFile.policyRule.then.details);
      expect(props(definition).mode).toBe('Microsoft.Kubernetes.Data');
    }
  });

  it('can be left out', () => {
    const withoutPolicies = snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope', deployPolicies: false }, { subscriptionId: homeSubscription });
    expect(resourcesOfType(withoutPolicies, 'Microsoft.Authorization/policyAssignments')).toEqual([]);
    expect(resourcesOfType(withoutPolicies, 'Microsoft.Authorization/policyDefinitions')).toEqual([]);
  });
});

describe('alerts', () => {
  const rules = () => resourcesOfType(deployment, 'Microsoft.Insights/scheduledQueryRules');
  const queryOf = (rule: ArmResource) => String(props(rule).criteria.allOf[0].query);
  const ruleNamed = (suffix: string) => rules().find((rule) => String(rule.name).endsWith(suffix))!;

  it('are the three rules, on the workspace, notifying the action group', () => {
    const workspace = idOf(single(deployment, 'Microsoft.OperationalInsights/workspaces'));
    const actionGroup = idOf(single(deployment, 'Microsoft.Insights/actionGroups'));
    expect(rules().map((rule) => String(rule.name).replace(/^iis-ci-/, '')).sort()).toEqual(['cluster-silent', 'new-critical-high-finding', 'scan-failed-or-partial']);
    for (const rule of rules()) {
      expect(props(rule).scopes).toEqual([workspace]);
      expect(props(rule).actions.actionGroups).toEqual([actionGroup]);
      expect(props(rule).criteria.allOf[0]).toMatchObject({ timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0 });
    }
  });

  it('deploy the queries of infra/queries with the interval filled in, and they bind', () => {
    expect(queryOf(ruleNamed('new-critical-high-finding'))).toBe(readRepoFile('infra/queries/alert-new-critical-high.kql'));
    expect(queryOf(ruleNamed('scan-failed-or-partial'))).toBe(readRepoFile('infra/queries/alert-scan-failed-or-partial.kql'));
    // Two intervals of 8 hours.
    expect(queryOf(ruleNamed('cluster-silent'))).toBe(readRepoFile('infra/queries/alert-cluster-silent.kql').replace('let silenceThreshold = 12h;', 'let silenceThreshold = 16h;'));
    for (const rule of rules()) expect(kqlDiagnostics(queryOf(rule))).toEqual([]);
  });

  it('use an existing action group when given one', () => {
    const existing = `/subscriptions/${homeSubscription}/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/oncall`;
    const withExisting = snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope', actionGroupResourceId: existing }, { subscriptionId: homeSubscription });
    expect(resourcesOfType(withExisting, 'Microsoft.Insights/actionGroups')).toEqual([]);
    for (const rule of resourcesOfType(withExisting, 'Microsoft.Insights/scheduledQueryRules')) expect(props(rule).actions.actionGroups).toEqual([existing]);
  });
});

describe('the workbook', () => {
  it('deploys infra/workbook/isolation-workbook.json unchanged, on the workspace', () => {
    const workbook = single(deployment, 'Microsoft.Insights/workbooks');
    expect(props(workbook).serializedData).toBe(readRepoFile('infra/workbook/isolation-workbook.json'));
    expect(props(workbook).sourceId).toBe(idOf(single(deployment, 'Microsoft.OperationalInsights/workspaces')));
    expect(String(workbook.name)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('the snapshot', () => {
  it('has no diagnostics', () => {
    expect(deployment.diagnostics).toEqual([]);
  });
});
