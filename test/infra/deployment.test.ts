/**
 * What infra/main.bicep deploys, evaluated by the Bicep CLI (`bicep snapshot`) for concrete
 * parameters: app settings, identity-only storage, Flex Consumption on Node 22, the tables
 * and the data collection rule from infra/schema/tables.json, least-privilege role
 * assignments, policies, alerts and the workbook.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kqlDiagnostics, type TablesFile } from './kql.js';
import { compileBicep, readRepoFile, readRepoJson, resourcesOfType, snapshotDeployment, type ArmResource, type DeploymentSnapshot } from './helpers.js';

const homeSubscription = '00000000-0000-0000-0000-00000000aaaa';
const otherSubscription = '00000000-0000-0000-0000-00000000bbbb';
const tables = readRepoJson<TablesFile>('infra/schema/tables.json');
const roleIds = {
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

// Each `bicep snapshot` costs seconds, so the non-default parameters are grouped into two
// variants, each evaluated once, when a test first needs it.
const existingWorkspace = `/subscriptions/${otherSubscription}/resourceGroups/rg-shared-logs/providers/Microsoft.OperationalInsights/workspaces/central-logs`;
const existingActionGroup = `/subscriptions/${homeSubscription}/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/oncall`;
const functionSubnetId = `/subscriptions/${homeSubscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-scanner/subnets/functions`;
const privateEndpointSubnetId = `/subscriptions/${homeSubscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-scanner/subnets/endpoints`;
function memoized(evaluate: () => DeploymentSnapshot): () => DeploymentSnapshot {
  let value: DeploymentSnapshot | undefined;
  return () => (value ??= evaluate());
}
/** Existing workspace, e-mail receivers, denying policy effects. */
const variantA = memoized(() =>
  snapshotDeployment(
    'infra/main.bicep',
    { environmentName: 'ci', location: 'westeurope', existingWorkspaceResourceId: existingWorkspace, alertEmails: ' ops@example.com, ,sec@example.com ', exportToPolicyEffect: 'Deny', localAccountsPolicyEffect: 'Deny', aksPolicyEffect: 'Disabled' },
    { subscriptionId: homeSubscription },
  ),
);
/** Management-group scope, an existing action group, private networking without DNS zones. */
const variantB = memoized(() =>
  snapshotDeployment(
    'infra/main.bicep',
    { environmentName: 'ci', location: 'westeurope', scanScope: 'managementGroup', actionGroupResourceId: existingActionGroup, privateNetworking: { functionSubnetId, privateEndpointSubnetId, createPrivateDnsZones: false } },
    { subscriptionId: homeSubscription },
  ),
);
/** Private networking with the DNS zones, no policies. */
const privateVariant = memoized(() => snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope', deployPolicies: false, privateNetworking: { functionSubnetId, privateEndpointSubnetId } }, { subscriptionId: homeSubscription }));

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
    // Clusters without Entra ID are skipped unless the deployment opts in to their admin-equivalent local accounts.
    expect(settings.SCAN_LOCAL_ACCOUNT_CLUSTERS).toBe('false');
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
    const existing = existingWorkspace;
    const withExisting = variantA();
    expect(resourcesOfType(withExisting, 'Microsoft.OperationalInsights/workspaces')).toEqual([]);
    expect(resourcesOfType(withExisting, 'Microsoft.OperationalInsights/workspaces/tables').map(idOf).sort()).toEqual(
      [tables.findings.tableName, tables.scans.tableName].map((name) => `${existing}/tables/${name}`).sort(),
    );
    expect(props(single(withExisting, 'Microsoft.Insights/dataCollectionRules')).destinations.logAnalytics[0].workspaceResourceId).toBe(existing);
  });

  it('puts the data collection endpoint and rule in the workspace\'s region, which an existing workspace decides', () => {
    for (const type of ['Microsoft.Insights/dataCollectionEndpoints', 'Microsoft.Insights/dataCollectionRules']) expect(single(deployment, type).location).toBe('westeurope');
    const existing = existingWorkspace;
    const withExisting = variantA();
    for (const type of ['Microsoft.Insights/dataCollectionEndpoints', 'Microsoft.Insights/dataCollectionRules']) {
      // Known only at deployment time: the existing workspace's own location.
      expect(single(withExisting, type).location).toBe(`[reference('${existing}', '2023-09-01', 'full').location]`);
    }
    expect(single(withExisting, 'Microsoft.Insights/components').location).toBe('westeurope');
  });
});

describe('role assignments of the scanner identity', () => {
  const assignments = () => resourcesOfType(deployment, 'Microsoft.Authorization/roleAssignments');
  const customRole = (namePart: string) => {
    const found = resourcesOfType(deployment, 'Microsoft.Authorization/roleDefinitions').filter((role) => String(props(role).roleName).includes(namePart));
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const armRole = () => customRole('ARM Reader');
  const kubernetesRole = () => customRole('Kubernetes Reader');

  it('are exactly: the custom ARM and Kubernetes roles per scanned subscription, storage data roles, Metrics Publisher on the rule and on Application Insights', () => {
    const rule = idOf(single(deployment, 'Microsoft.Insights/dataCollectionRules'));
    const appInsights = idOf(single(deployment, 'Microsoft.Insights/components'));
    const storage = idOf(single(deployment, 'Microsoft.Storage/storageAccounts'));
    const granted = assignments().map((assignment) => `${roleGuidOf(assignment)} @ ${idOf(assignment).split('/providers/Microsoft.Authorization/roleAssignments/')[0]}`);
    expect(granted.sort()).toEqual(
      [
        ...[homeSubscription, otherSubscription].flatMap((subscription) => [String(armRole().name), String(kubernetesRole().name)].map((role) => `${role} @ /subscriptions/${subscription}`)),
        `${roleIds.storageBlobDataOwner} @ ${storage}`,
        `${roleIds.storageQueueDataContributor} @ ${storage}`,
        `${roleIds.storageTableDataContributor} @ ${storage}`,
        `${roleIds.monitoringMetricsPublisher} @ ${rule}`,
        `${roleIds.monitoringMetricsPublisher} @ ${appInsights}`,
      ].sort(),
    );
    for (const assignment of assignments()) {
      expect(props(assignment).principalType).toBe('ServicePrincipal');
      expect(props(assignment).principalId).toMatch(/userAssignedIdentities\/iis-ci-id.*\.principalId/);
    }
  });

  it('no longer grant Reader or the AKS Cluster User Role', () => {
    const builtIn = ['acdd72a7-3385-48ef-bd42-f606fba81ae7', '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'];
    expect(assignments().filter((assignment) => builtIn.includes(roleGuidOf(assignment)))).toEqual([]);
  });

  it('define the ARM role with the actions of roles/scanner-arm-reader.json only, assignable in the scanned subscriptions', () => {
    const file = readRepoJson<{ actions: string[] }>('infra/roles/scanner-arm-reader.json');
    expect(props(armRole()).permissions).toEqual([{ actions: file.actions, notActions: [], dataActions: [], notDataActions: [] }]);
    expect(props(armRole()).assignableScopes).toEqual([`/subscriptions/${homeSubscription}`, `/subscriptions/${otherSubscription}`]);
    expect(props(armRole()).roleName).toContain('(ci)');
  });

  it('define the Kubernetes role with the data actions of roles/scanner-kubernetes-reader.json, assignable in the scanned subscriptions', () => {
    const file = readRepoJson<{ dataActions: string[] }>('infra/roles/scanner-kubernetes-reader.json');
    expect(props(kubernetesRole()).permissions).toEqual([{ actions: [], notActions: [], dataActions: file.dataActions, notDataActions: [] }]);
    expect(props(kubernetesRole()).assignableScopes).toEqual([`/subscriptions/${homeSubscription}`, `/subscriptions/${otherSubscription}`]);
    expect(props(kubernetesRole()).roleName).toContain('(ci)');
  });

  it('narrow custom-resource reads with an ABAC condition on the Kubernetes role assignment only', () => {
    const conditioned = assignments().filter((assignment) => props(assignment).condition);
    expect(conditioned.map(roleGuidOf)).toEqual([String(kubernetesRole().name), String(kubernetesRole().name)]);
    for (const assignment of conditioned) {
      expect(props(assignment).conditionVersion).toBe('2.0');
      expect(props(assignment).condition).toMatch(/^\(\(!\(ActionMatches\{'Microsoft\.ContainerService\/managedClusters\/customresources\/read'\}\)\) OR /);
    }
  });

  it('grant no write role anywhere but the storage data plane, the data collection rule and Application Insights telemetry', () => {
    const allowed = new Set([String(armRole().name), String(kubernetesRole().name), roleIds.storageBlobDataOwner, roleIds.storageQueueDataContributor, roleIds.storageTableDataContributor, roleIds.monitoringMetricsPublisher]);
    expect(assignments().filter((assignment) => !allowed.has(roleGuidOf(assignment)))).toEqual([]);
    expect((props(armRole()).permissions[0].actions as string[]).filter((action) => !/\/read$|\/listClusterUserCredential\/action$/.test(action))).toEqual([]);
  });

  it('are left to management-group.bicep when scanScope is managementGroup', () => {
    const mg = variantB();
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

  it('names and describes each built-in assignment after what its definition checks', () => {
    const assigned = resourcesOfType(deployment, 'Microsoft.Authorization/policyAssignments').filter((assignment) => idOf(assignment).startsWith(`/subscriptions/${homeSubscription}/`));
    const byDefinition = (id: string) => props(assigned.find((assignment) => String(props(assignment).policyDefinitionId).endsWith(`/${id}`)));
    // ASC_EnableRBAC_KubernetesService_Audit checks enableRBAC (Kubernetes RBAC); AKS_AAD_Integration_Audit checks that aadProfile exists.
    expect(byDefinition('ac4a19c2-fa67-49b4-8ae5-0b2e78c49457').displayName).toMatch(/Kubernetes RBAC.*enableRBAC/);
    expect(byDefinition('ac4a19c2-fa67-49b4-8ae5-0b2e78c49457').description).toMatch(/not Azure RBAC/);
    expect(byDefinition('450d2877-ebea-41e8-b00c-e286317d21bf').displayName).toMatch(/Entra ID integration.*aadProfile/);
    expect(byDefinition('450d2877-ebea-41e8-b00c-e286317d21bf').description).toMatch(/does not check Azure RBAC/);
    for (const assignment of assigned) {
      expect(String(props(assignment).displayName)).not.toMatch(/Azure RBAC/);
      expect(String(props(assignment).description).length).toBeGreaterThan(20);
    }
  });

  it('passes the effects through as parameters', () => {
    const denying = variantA();
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
    const withoutPolicies = privateVariant();
    // Still a subscriptions-scope deployment: the role assignments are made, only the policies are left out.
    expect(resourcesOfType(withoutPolicies, 'Microsoft.Authorization/roleAssignments').length).toBeGreaterThan(0);
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

  it('deploy the queries of infra/queries with the derived values filled in, and they bind', () => {
    expect(queryOf(ruleNamed('new-critical-high-finding'))).toBe(readRepoFile('infra/queries/alert-new-critical-high.kql'));
    expect(queryOf(ruleNamed('scan-failed-or-partial'))).toBe(readRepoFile('infra/queries/alert-scan-failed-or-partial.kql'));
    // Two intervals of 8 hours.
    expect(queryOf(ruleNamed('cluster-silent'))).toBe(readRepoFile('infra/queries/alert-cluster-silent.kql').replace('let silenceThreshold = 12h;', 'let silenceThreshold = 16h;'));
    for (const rule of rules()) expect(kqlDiagnostics(queryOf(rule))).toEqual([]);
  });

  it('skip the service-side query validation that fails while new tables are not yet resolvable, and run after the tables exist', () => {
    for (const rule of rules()) expect(props(rule).skipQueryValidation).toBe(true);
    const template = compileBicep('infra/main.bicep') as { resources: Record<string, { dependsOn?: string[] }> };
    expect(template.resources.alerts!.dependsOn).toContain('logTables');
  });

  it('notify the e-mail addresses of ALERT_EMAILS, and say when no one is notified', () => {
    const withEmails = variantA();
    expect(props(single(withEmails, 'Microsoft.Insights/actionGroups')).emailReceivers.map((receiver: { emailAddress: string }) => receiver.emailAddress)).toEqual(['ops@example.com', 'sec@example.com']);
    expect(withEmails.outputs?.ALERT_NOTIFICATIONS).toBe('e-mail: ops@example.com, sec@example.com');
    expect(props(single(deployment, 'Microsoft.Insights/actionGroups')).emailReceivers).toEqual([]);
    expect(String(deployment.outputs?.ALERT_NOTIFICATIONS)).toMatch(/^NONE: .*notify no one.*ALERT_EMAILS/);
  });

  it('use an existing action group when given one', () => {
    const existing = existingActionGroup;
    const withExisting = variantB();
    expect(resourcesOfType(withExisting, 'Microsoft.Insights/actionGroups')).toEqual([]);
    for (const rule of resourcesOfType(withExisting, 'Microsoft.Insights/scheduledQueryRules')) expect(props(rule).actions.actionGroups).toEqual([existing]);
    expect(withExisting.outputs?.ALERT_NOTIFICATIONS).toBe(`action group ${existing}`);
  });
});

describe('the workbook', () => {
  it('deploys infra/workbook/isolation-workbook.json on the workspace, which it also opens when started outside the workspace', () => {
    const workbook = single(deployment, 'Microsoft.Insights/workbooks');
    const workspace = idOf(single(deployment, 'Microsoft.OperationalInsights/workspaces'));
    const file = readRepoJson<Record<string, unknown>>('infra/workbook/isolation-workbook.json');
    expect(JSON.parse(String(props(workbook).serializedData))).toEqual({ ...file, fallbackResourceIds: [workspace] });
    expect(props(workbook).sourceId).toBe(workspace);
    expect(String(workbook.name)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('local authentication and inbound traffic', () => {
  it('Application Insights and the workspace accept Entra ID only; the host authenticates its telemetry as the identity', () => {
    expect(props(single(deployment, 'Microsoft.Insights/components')).DisableLocalAuth).toBe(true);
    expect(props(single(deployment, 'Microsoft.OperationalInsights/workspaces')).features.disableLocalAuth).toBe(true);
    const settings = Object.fromEntries((props(single(deployment, 'Microsoft.Web/sites')).siteConfig.appSettings as { name: string; value: string }[]).map((s) => [s.name, s.value]));
    // The identity's client id is known at deployment time only: format('ClientId={0};Authorization=AAD', <client id>).
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toContain("format('ClientId={0};Authorization=AAD', reference(");
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toMatch(/userAssignedIdentities\/iis-ci-id'.*\)\.clientId\)\]$/);
  });

  it('the Function App has basic publishing credentials off and denies inbound requests to the site', () => {
    const policies = resourcesOfType(deployment, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((policy) => String(policy.name).split('/').pop()).sort()).toEqual(['ftp', 'scm']);
    for (const policy of policies) expect(props(policy).allow).toBe(false);
    const site = props(single(deployment, 'Microsoft.Web/sites')).siteConfig;
    expect(site.ipSecurityRestrictionsDefaultAction).toBe('Deny');
    expect(site.scmIpSecurityRestrictionsUseMain).toBe(false);
  });

  it('registers no HTTP trigger (the app takes no inbound traffic)', () => {
    const functionsCode = readRepoFile('functions/index.ts');
    expect(functionsCode).not.toMatch(/app\.(http|get|post|put|patch|deleteRequest)\(/);
    expect(functionsCode.match(/app\.(timer|storageQueue)\(/g)).toHaveLength(3);
  });
});

describe('networking', () => {
  let privateDeployment: DeploymentSnapshot;
  beforeAll(() => {
    privateDeployment = privateVariant();
  });
  // `bicep snapshot` leaves environment() unevaluated; the public cloud's storage suffix stands in.
  const zoneName = (name: string) => name.replace(/^\[format\('privatelink\.\{0\}\.\{1\}', '(\w+)', environment\(\)\.suffixes\.storage\)\]$/, 'privatelink.$1.core.windows.net');

  it('is public by default: no private endpoints, no VNet integration, public endpoints with identity-only access', () => {
    expect(resourcesOfType(deployment, 'Microsoft.Network/privateEndpoints')).toEqual([]);
    expect(resourcesOfType(deployment, 'Microsoft.Insights/privateLinkScopes')).toEqual([]);
    expect(props(single(deployment, 'Microsoft.Web/sites')).virtualNetworkSubnetId).toBeNull();
    expect(props(single(deployment, 'Microsoft.Storage/storageAccounts')).publicNetworkAccess).toBe('Enabled');
    expect(props(single(deployment, 'Microsoft.Insights/dataCollectionEndpoints')).networkAcls.publicNetworkAccess).toBe('Enabled');
  });

  it('with privateNetworking: Flex VNet integration, storage reached through private endpoints only', () => {
    expect(privateDeployment.diagnostics).toEqual([]);
    expect(props(single(privateDeployment, 'Microsoft.Web/sites')).virtualNetworkSubnetId).toBe(functionSubnetId);
    const storage = single(privateDeployment, 'Microsoft.Storage/storageAccounts');
    expect(props(storage)).toMatchObject({ publicNetworkAccess: 'Disabled', networkAcls: { defaultAction: 'Deny' } });
    const storageEndpoints = resourcesOfType(privateDeployment, 'Microsoft.Network/privateEndpoints').filter((endpoint) => props(endpoint).privateLinkServiceConnections[0].properties.privateLinkServiceId === idOf(storage));
    expect(storageEndpoints.map((endpoint) => props(endpoint).privateLinkServiceConnections[0].properties.groupIds[0]).sort()).toEqual(['blob', 'queue', 'table']);
    for (const endpoint of storageEndpoints) expect(props(endpoint).subnet.id).toBe(privateEndpointSubnetId);
  });

  it('with privateNetworking: the data collection endpoint through an Azure Monitor Private Link Scope, its public access disabled', () => {
    const endpoint = single(privateDeployment, 'Microsoft.Insights/dataCollectionEndpoints');
    expect(props(endpoint).networkAcls.publicNetworkAccess).toBe('Disabled');
    const scope = single(privateDeployment, 'Microsoft.Insights/privateLinkScopes');
    expect(props(scope).accessModeSettings).toEqual({ ingestionAccessMode: 'PrivateOnly', queryAccessMode: 'Open' });
    const scoped = resourcesOfType(privateDeployment, 'Microsoft.Insights/privateLinkScopes/scopedResources').map((resource) => props(resource).linkedResourceId);
    expect(scoped.sort()).toEqual([idOf(endpoint), idOf(single(privateDeployment, 'Microsoft.Insights/components')), idOf(single(privateDeployment, 'Microsoft.OperationalInsights/workspaces'))].sort());
    const monitorEndpoint = resourcesOfType(privateDeployment, 'Microsoft.Network/privateEndpoints').find((candidate) => props(candidate).privateLinkServiceConnections[0].properties.privateLinkServiceId === idOf(scope));
    expect(props(monitorEndpoint).privateLinkServiceConnections[0].properties.groupIds).toEqual(['azuremonitor']);
  });

  it('with privateNetworking: private DNS zones for storage and Azure Monitor, linked to the VNet, unless a hub owns them', () => {
    const zones = resourcesOfType(privateDeployment, 'Microsoft.Network/privateDnsZones').map((zone) => zoneName(String(zone.name)));
    expect(zones.sort()).toEqual(
      ['privatelink.agentsvc.azure-automation.net', 'privatelink.blob.core.windows.net', 'privatelink.monitor.azure.com', 'privatelink.ods.opinsights.azure.com', 'privatelink.oms.opinsights.azure.com', 'privatelink.queue.core.windows.net', 'privatelink.table.core.windows.net'].sort(),
    );
    const links = resourcesOfType(privateDeployment, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
    expect(links).toHaveLength(zones.length);
    for (const link of links) expect(props(link).virtualNetwork.id).toBe(functionSubnetId.replace('/subnets/functions', ''));
    const withoutZones = variantB();
    expect(resourcesOfType(withoutZones, 'Microsoft.Network/privateDnsZones')).toEqual([]);
    expect(resourcesOfType(withoutZones, 'Microsoft.Network/privateEndpoints')).toHaveLength(4);
  });
});

describe('the snapshot', () => {
  it('has no diagnostics', () => {
    expect(deployment.diagnostics).toEqual([]);
  });
});
