/**
 * The scanner's Kubernetes read access is declared three times: the kinds the snapshot
 * reads (src/snapshot/kinds.ts), the Kubernetes RBAC ClusterRole and mesh-config Role the
 * project ships (infra/kubernetes/), and the Azure custom role + ABAC condition for
 * clusters with Azure RBAC (infra/roles/scanner-kubernetes-reader.json). They must grant
 * the same (group, resource) pairs, read-only, and never Secrets.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { KIND_INFO, GATEKEEPER_CONSTRAINTS_GROUP, GATEWAY_API_GROUP } from '../../src/snapshot/kinds.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { readRepoFile, readRepoJson, repoPath, resourcesOfType, snapshotDeployment, type ArmResource, type DeploymentSnapshot } from './helpers.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
interface RoleFile {
  dataActions: string[];
  customResources: { group: string; resources: string[] }[];
}

const DATA_ACTION_PREFIX = 'Microsoft.ContainerService/managedClusters/';
const CUSTOM_RESOURCES_READ = `${DATA_ACTION_PREFIX}customresources/read`;
// API groups whose resources have their own data actions in the Microsoft.ContainerService
// operations list (https://learn.microsoft.com/azure/role-based-access-control/permissions/containers).
// The AKS authorization webhook treats any other resource as a custom resource.
const GROUPS_WITH_DATA_ACTIONS = new Set(['', 'apps', 'batch', 'rbac.authorization.k8s.io']);
// Resources of other groups that have their own data action too; the rest of their group
// (ValidatingAdmissionPolicy...) is not in the operations list and goes through customresources/read.
const RESOURCES_WITH_DATA_ACTIONS = new Set(['admissionregistration.k8s.io/mutatingwebhookconfigurations']);
const READ_VERBS = new Set(['get', 'list', 'watch']);

const pair = (group: string, resource: string) => `${group || 'core'}/${resource}`;
const roleFile = readRepoJson<RoleFile>('infra/roles/scanner-kubernetes-reader.json');

/** (group, resource) pairs the Azure custom role grants. */
function azureRolePairs(): string[] {
  const native = roleFile.dataActions
    .filter((action) => action !== CUSTOM_RESOURCES_READ)
    .map((action) => {
      const parts = action.slice(DATA_ACTION_PREFIX.length).split('/');
      expect(parts.pop()).toBe('read');
      return parts.length === 1 ? pair('', parts[0]!) : pair(parts[0]!, parts[1]!);
    });
  const custom = roleFile.customResources.flatMap((entry) => entry.resources.map((resource) => pair(entry.group, resource)));
  return [...native, ...custom].sort();
}

/** (group, resource) pairs the shipped Kubernetes RBAC manifests grant, and their other rules. */
function kubernetesRbac(): { pairs: string[]; verbs: Set<string>; nonResourceURLs: string[] } {
  const pairs: string[] = [];
  const verbs = new Set<string>();
  const nonResourceURLs: string[] = [];
  for (const file of readdirSync(repoPath('infra/kubernetes')).filter((name) => name.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readRepoFile(`infra/kubernetes/${file}`))) {
      const manifest = document.toJS() as { kind?: string; rules?: PolicyRule[] } | null;
      if (manifest?.kind !== 'ClusterRole' && manifest?.kind !== 'Role') continue;
      for (const rule of manifest.rules ?? []) {
        rule.verbs.forEach((verb) => verbs.add(verb));
        if (rule.nonResourceURLs) {
          nonResourceURLs.push(...rule.nonResourceURLs);
          continue;
        }
        for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) pairs.push(pair(group, resource));
      }
    }
  }
  return { pairs: [...new Set(pairs)].sort(), verbs, nonResourceURLs };
}

/** (group, resource) pairs of the kinds the snapshot reads. */
function snapshotPairs(): string[] {
  return [...Object.values(KIND_INFO).map((info) => pair(info.group, info.plural)), pair(GATEKEEPER_CONSTRAINTS_GROUP, '*')].sort();
}

describe('the scanner\'s Kubernetes read access', () => {
  it('covers exactly the kinds the snapshot reads', () => {
    expect(azureRolePairs()).toEqual(snapshotPairs());
  });

  it('matches the shipped ClusterRole and mesh-config Roles', () => {
    expect(kubernetesRbac().pairs).toEqual(azureRolePairs());
  });

  it('is read-only and never touches Secrets', () => {
    expect([...kubernetesRbac().verbs].filter((verb) => !READ_VERBS.has(verb))).toEqual([]);
    expect(roleFile.dataActions.filter((action) => !action.endsWith('/read'))).toEqual([]);
    expect(azureRolePairs().filter((granted) => granted.endsWith('/secrets') || (granted.endsWith('/*') && !granted.startsWith(GATEKEEPER_CONSTRAINTS_GROUP)))).toEqual([]);
  });

  it('gives the Azure role native data actions only where AKS has them, custom resources otherwise', () => {
    const nativeResources = roleFile.dataActions.filter((action) => action !== CUSTOM_RESOURCES_READ).map((action) => {
      const parts = action.slice(DATA_ACTION_PREFIX.length).split('/');
      return parts.length === 2 ? { group: '', resource: parts[0]! } : { group: parts[0]!, resource: parts[1]! };
    });
    expect(nativeResources.filter(({ group, resource }) => !GROUPS_WITH_DATA_ACTIONS.has(group) && !RESOURCES_WITH_DATA_ACTIONS.has(`${group}/${resource}`))).toEqual([]);
    expect(roleFile.customResources.map((entry) => entry.group).filter((group) => GROUPS_WITH_DATA_ACTIONS.has(group))).toEqual([]);
    expect(roleFile.customResources.flatMap((entry) => entry.resources.map((resource) => `${entry.group}/${resource}`)).filter((granted) => RESOURCES_WITH_DATA_ACTIONS.has(granted))).toEqual([]);
    expect(roleFile.dataActions).toContain(CUSTOM_RESOURCES_READ);
  });

  it('grants every kind a rule evaluates (requires and partlyRequires), the ingress rules\' Gateway API kinds included', () => {
    const neededKinds = new Set(ALL_RULES.flatMap((rule) => [...rule.meta.requires, ...(rule.meta.partlyRequires ?? [])]));
    const needed = [...neededKinds].map((kind) => (kind === 'Constraint' ? pair(GATEKEEPER_CONSTRAINTS_GROUP, '*') : pair(KIND_INFO[kind].group, KIND_INFO[kind].plural)));
    expect(needed.filter((granted) => !azureRolePairs().includes(granted))).toEqual([]);
    expect(needed.filter((granted) => !kubernetesRbac().pairs.includes(granted))).toEqual([]);
    const gatewayApi = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'tlsroutes', 'tcproutes', 'referencegrants'].map((resource) => pair(GATEWAY_API_GROUP, resource));
    expect(gatewayApi.filter((granted) => !azureRolePairs().includes(granted))).toEqual([]);
    expect(gatewayApi.filter((granted) => !kubernetesRbac().pairs.includes(granted))).toEqual([]);
    // The Gateway API is read through customresources/read, and only for its own kinds.
    expect(roleFile.customResources.filter((entry) => entry.group === GATEWAY_API_GROUP).flatMap((entry) => entry.resources)).not.toContain('*');
  });

  it('needs no discovery data actions: only API discovery URLs are non-resource rules, and every authenticated user may read them (system:discovery)', () => {
    expect(kubernetesRbac().nonResourceURLs.sort()).toEqual(['/apis', '/apis/*']);
  });
});

/**
 * Evaluates the ABAC condition for one request, by translating the small subset of the
 * condition language the catalog generates (ActionMatches, StringEqualsIgnoreCase on the
 * two customResources attributes, AND, OR, !, parentheses) into a JavaScript expression.
 */
function conditionAllows(condition: string, request: { action: string; group?: string; kind?: string }): boolean {
  const translated = condition
    .replace(/ActionMatches\{'([^']*)'\}/g, (_match, action: string) => `(request.action === ${JSON.stringify(action)})`)
    .replace(/@Request\[Microsoft\.ContainerService\/managedClusters\/customResources:(group|kind)\] StringEqualsIgnoreCase '([^']*)'/g, (_match, attribute: string, value: string) => `((request.${attribute} ?? '').toLowerCase() === ${JSON.stringify(value.toLowerCase())})`)
    .replace(/ AND /g, ' && ')
    .replace(/ OR /g, ' || ');
  expect(translated).toMatch(/^[\s()!&|a-zA-Z.=?'"/\-_*0-9:]+$/);
  return Boolean(new Function('request', `return ${translated};`)(request));
}

describe('the management-group deployment', () => {
  const subscriptions = ['00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000a2'];
  const managementGroup = '/providers/Microsoft.Management/managementGroups/platform';
  let snapshot: DeploymentSnapshot;
  let condition: string;
  const definitions = () => resourcesOfType(snapshot, 'Microsoft.Authorization/roleDefinitions');
  const assignments = () => resourcesOfType(snapshot, 'Microsoft.Authorization/roleAssignments');
  const hasDataActions = (definition: ArmResource) => ((definition.properties!.permissions as { dataActions: string[] }[])[0]!.dataActions.length > 0);
  const scopeOf = (assignment: ArmResource) => String(assignment.id).split('/providers/Microsoft.Authorization/roleAssignments/')[0];

  beforeAll(() => {
    snapshot = snapshotDeployment('infra/management-group.bicep', { scannerPrincipalId: '22222222-2222-2222-2222-222222222222', environmentName: 'ci', kubernetesSubscriptionIds: subscriptions }, { managementGroupId: 'platform' });
    const conditioned = assignments().filter((assignment) => assignment.properties?.condition);
    expect(conditioned).toHaveLength(subscriptions.length);
    condition = String(conditioned[0]!.properties!.condition);
  });

  it('has no diagnostics', () => {
    expect(snapshot.diagnostics).toEqual([]);
  });

  it('never makes a custom role with data actions assignable at, or assigns it at, the management group (Azure RBAC custom role limits)', () => {
    const withDataActions = definitions().filter(hasDataActions);
    expect(withDataActions).toHaveLength(1);
    expect(withDataActions[0]!.properties!.assignableScopes).toEqual(subscriptions.map((id) => `/subscriptions/${id}`));
    const dataRoleName = String(withDataActions[0]!.name);
    const dataAssignments = assignments().filter((assignment) => String(assignment.properties!.roleDefinitionId).endsWith(`/${dataRoleName}`));
    expect(dataAssignments.map(scopeOf).sort()).toEqual(subscriptions.map((id) => `/subscriptions/${id}`).sort());
    expect(assignments().filter((assignment) => scopeOf(assignment) === managementGroup).map((assignment) => String(assignment.properties!.roleDefinitionId))).not.toContainEqual(expect.stringContaining(dataRoleName));
  });

  it('assigns the actions-only ARM role at the management group, and nothing else there', () => {
    const armRole = definitions().find((definition) => !hasDataActions(definition))!;
    expect(armRole.properties!.assignableScopes).toEqual([managementGroup]);
    expect((armRole.properties!.permissions as { actions: string[] }[])[0]!.actions).toEqual(readRepoJson<{ actions: string[] }>('infra/roles/scanner-arm-reader.json').actions);
    const atGroup = assignments().filter((assignment) => scopeOf(assignment) === managementGroup);
    expect(atGroup.map((assignment) => String(assignment.properties!.roleDefinitionId).split('/').pop())).toEqual([String(armRole.name)]);
  });

  it('grants neither Reader nor the AKS Cluster User Role', () => {
    const builtIn = ['acdd72a7-3385-48ef-bd42-f606fba81ae7', '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'];
    expect(assignments().filter((assignment) => builtIn.some((id) => String(assignment.properties!.roleDefinitionId).endsWith(id)))).toEqual([]);
  });

  it('lets every built-in read through the ABAC condition unchanged', () => {
    for (const action of roleFile.dataActions.filter((candidate) => candidate !== CUSTOM_RESOURCES_READ)) {
      expect(conditionAllows(condition, { action })).toBe(true);
    }
  });

  it.each(roleFile.customResources.flatMap((entry) => entry.resources.map((resource) => [entry.group, resource === '*' ? 'k8sistioserviceentryexportto' : resource])))('allows custom resource %s/%s', (group, kind) => {
    expect(conditionAllows(condition, { action: CUSTOM_RESOURCES_READ, group, kind })).toBe(true);
  });

  it.each([
    ['secrets-store.csi.x-k8s.io', 'secretproviderclasses'],
    ['security.istio.io', 'requestauthentications'],
    ['networking.istio.io', 'envoyfilters'],
    ['security.istio.io', 'serviceentries'],
    ['kyverno.io', 'cleanuppolicies'],
  ])('denies custom resource %s/%s', (group, kind) => {
    expect(conditionAllows(condition, { action: CUSTOM_RESOURCES_READ, group, kind })).toBe(false);
  });

  it('assigns the policies at the management group only, with names within its 24-character limit', () => {
    const policyAssignments = resourcesOfType(snapshot, 'Microsoft.Authorization/policyAssignments');
    expect(policyAssignments).toHaveLength(8);
    for (const assignment of policyAssignments) {
      expect(String(assignment.name).length).toBeLessThanOrEqual(24);
      expect(String(assignment.id)).toMatch(new RegExp(`^${managementGroup}/`));
    }
    expect(resourcesOfType(snapshot, 'Microsoft.Authorization/policyDefinitions')).toHaveLength(1);
  });
});
