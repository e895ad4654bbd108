import { expect } from '@jest/globals';
import { rbacServiceEntryWriteBroad } from '../../../src/rules/admission/rbac-serviceentry-write-broad.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const clusterRole = (name: string, rules: string, labels = ''): string => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${name}${labels ? `, labels: {${labels}}` : ''}}
rules: ${rules}
`;
const crb = (name: string, role: string, subjects: string): string => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${name}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role}}
subjects: ${subjects}
`;

runRuleTests(rbacServiceEntryWriteBroad, {
  valid: [
    {
      name: 'cluster-admin for system:masters, istiod service account, read-only grants',
      manifests: [
        clusterRole('cluster-admin', '[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]'),
        crb('cluster-admin', 'cluster-admin', '[{kind: Group, name: "system:masters"}]'),
        clusterRole('istiod', '[{apiGroups: [networking.istio.io], resources: ["*"], verbs: ["*"]}]'),
        crb('istiod', 'istiod', '[{kind: ServiceAccount, name: istiod, namespace: aks-istio-system}]'),
        clusterRole('mesh-viewer', '[{apiGroups: [networking.istio.io], resources: ["*"], verbs: [get, list, watch]}]'),
        crb('viewers', 'mesh-viewer', '[{kind: Group, name: all-devs}]'),
      ].join('---'),
    },
    {
      name: 'resourceNames-limited update and a RoleBinding in a system namespace',
      manifests: [
        clusterRole('one-se', '[{apiGroups: [networking.istio.io], resources: [serviceentries], resourceNames: [shared-api], verbs: [update]}]'),
        crb('one-se', 'one-se', '[{kind: User, name: alice}]'),
        `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit-mesh}
subjects: [{kind: User, name: bob}]
`,
        clusterRole('edit-mesh', '[{apiGroups: [networking.istio.io], resources: [serviceentries], verbs: [create]}]'),
      ].join('---'),
    },
    {
      name: 'a group listed as AKS Entra ID admin group is a cluster admin',
      aksCluster: { name: 'c', properties: { aadProfile: { managed: true, adminGroupObjectIDs: ['1111-admins'] } } },
      manifests: clusterRole('mesh-admin', '[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]') + '---' + crb('admins', 'mesh-admin', '[{kind: Group, name: 1111-admins}]'),
    },
    {
      // Admission controllers and the mesh control plane write mesh configuration by design.
      name: 'Kyverno, Gatekeeper and istiod service accounts are control plane',
      manifests: [
        clusterRole('policy-engines', '[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]'),
        crb(
          'policy-engines',
          'policy-engines',
          '[{kind: ServiceAccount, name: kyverno-admission-controller, namespace: kyverno}, {kind: ServiceAccount, name: gatekeeper-admin, namespace: gatekeeper-system}, {kind: ServiceAccount, name: istiod-asm-1-25, namespace: aks-istio-system}, {kind: Group, name: "system:serviceaccounts:kyverno"}]',
        ),
      ].join('---'),
    },
    {
      name: 'a subject also bound to cluster-admin cluster-wide is a cluster admin',
      manifests: [
        clusterRole('mesh-editor', '[{apiGroups: [networking.istio.io], resources: ["*"], verbs: ["*"]}]'),
        crb('root-is-admin', 'cluster-admin', '[{kind: User, name: root@example.com}]'),
        crb('root-edits-mesh', 'mesh-editor', '[{kind: User, name: root@example.com}]'),
      ].join('---'),
    },
  ],
  invalid: [
    {
      name: 'wildcard verbs through an aggregated ClusterRole, bound cluster-wide to all authenticated users',
      manifests: [
        clusterRole('mesh-editor', '[]').replace('rules: []', 'aggregationRule: {clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-mesh-editor: "true"}}]}\nrules: []'),
        clusterRole('istio-networking', '[{apiGroups: [networking.istio.io], resources: [serviceentries, sidecars], verbs: ["*"]}]', 'example.com/aggregate-to-mesh-editor: "true"'),
        crb('everyone-edits-mesh', 'mesh-editor', '[{kind: Group, name: "system:authenticated"}]'),
      ].join('---'),
      findings: [
        {
          severity: 'high',
          resourceKind: 'ClusterRoleBinding',
          resourceName: 'everyone-edits-mesh',
          messageIncludes: ['Group system:authenticated', 'create/patch/update serviceentries, sidecars', 'every namespace'],
          check: (f) => expect(f.evidence.role).toBe('ClusterRole mesh-editor'),
        },
      ],
    },
    {
      name: 'wildcard apiGroups and resources for a tenant service account (admins of the binding excluded)',
      manifests: [
        clusterRole('ci-deployer', '[{apiGroups: ["*"], resources: ["*"], verbs: [create, update]}]'),
        crb('ci', 'ci-deployer', '[{kind: ServiceAccount, name: ci, namespace: tenant-a}, {kind: Group, name: "system:masters"}]'),
      ].join('---'),
      findings: [{ severity: 'high', messageIncludes: ['ServiceAccount tenant-a/ci can create/update destinationrules, serviceentries, sidecars, virtualservices'], check: (f) => expect(f.evidence.subjects).toEqual(['ServiceAccount tenant-a/ci']) }],
    },
    {
      name: 'namespace-scoped grant to a tenant through a Role is info',
      manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: mesh-config, namespace: tenant-a}
rules: [{apiGroups: [networking.istio.io], resources: [virtualservices], verbs: [patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-a, namespace: tenant-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: mesh-config}
subjects: [{kind: Group, name: team-a}]
`,
      findings: [{ severity: 'info', namespace: 'tenant-a', messageIncludes: ['in namespace tenant-a', 'Role tenant-a/mesh-config'] }],
    },
    {
      // A RoleBinding to a ClusterRole grants the role's rules in the binding's namespace only.
      name: 'RoleBinding referencing a ClusterRole is namespace-scoped: info',
      manifests: [
        clusterRole('mesh-editor', '[{apiGroups: [networking.istio.io], resources: [serviceentries], verbs: [create]}]'),
        `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-b-mesh, namespace: tenant-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mesh-editor}
subjects: [{kind: Group, name: team-b}]
`,
      ].join('---'),
      findings: [{ severity: 'info', namespace: 'tenant-b', resourceKind: 'RoleBinding', messageIncludes: ['Group team-b can create serviceentries in namespace tenant-b', 'ClusterRole mesh-editor'] }],
    },
    {
      // Kubernetes' own admin role aggregates edit, which aggregates the roles labelled aggregate-to-edit:
      // the controller keeps each aggregated role's rules up to date, so aggregation chains.
      name: 'aggregation chains: admin <- edit <- a role labelled aggregate-to-edit',
      manifests: [
        clusterRole('admin', '[]').replace('rules: []', 'aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}]}\nrules: []'),
        clusterRole('edit', '[]', 'rbac.authorization.k8s.io/aggregate-to-admin: "true"').replace(
          'rules: []',
          'aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]}\nrules: []',
        ),
        clusterRole('istio-edit', '[{apiGroups: [networking.istio.io], resources: [virtualservices], verbs: [update]}]', 'rbac.authorization.k8s.io/aggregate-to-edit: "true"'),
        crb('support-admins', 'admin', '[{kind: Group, name: support}]'),
      ].join('---'),
      findings: [{ severity: 'high', resourceName: 'support-admins', messageIncludes: ['Group support can update virtualservices in every namespace'] }],
    },
  ],
});
