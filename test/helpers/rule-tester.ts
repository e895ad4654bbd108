/**
 * Table-driven rule tests in the manner of ESLint's RuleTester: every rule has `valid`
 * cases (must produce no finding) and `invalid` cases (must produce exactly the listed
 * findings, in any order). Manifests are YAML strings, so a case reads like a cluster.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { defaultConfig, type ScannerConfig } from '../../src/config/types.js';
import { evaluateSnapshot } from '../../src/rules/engine.js';
import type { Finding, Rule, Severity } from '../../src/rules/types.js';
import { buildSnapshot, normalizeObject } from '../../src/snapshot/build.js';
import type { ClusterSnapshot, InputProblem, IstioVersion, K8sObject, MeshConfig, MeshRevisionProfile } from '../../src/snapshot/types.js';

export interface RuleCase {
  name: string;
  /** Multi-document YAML. */
  manifests: string;
  meshConfig?: Partial<MeshConfig>;
  config?: Partial<ScannerConfig>;
  /** e.g. "1.23" or "1.30.2". */
  istioVersion?: string;
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: MeshRevisionProfile;
  meshRevisions?: string[];
  meshMode?: ClusterSnapshot['meshMode'];
  coverage?: ClusterSnapshot['coverage'];
  /** Problems the manifest reader reported besides the objects (unreadable files, invalid documents). */
  inputProblems?: InputProblem[];
}

export interface ExpectedFinding {
  severity?: Severity;
  namespace?: string;
  resourceName?: string;
  resourceKind?: string;
  /** Substrings the message must contain. */
  messageIncludes?: string[];
  /** Exact set (order-insensitive). */
  affectedNamespaces?: string[];
  subjectKey?: string;
  suppressed?: boolean;
  /** Arbitrary extra check on the finding. */
  check?: (finding: Finding) => void;
}

export interface InvalidRuleCase extends RuleCase {
  findings: ExpectedFinding[];
}

export function parseVersion(text: string): IstioVersion {
  const [major, minor, patch] = text.split('.').map(Number);
  return { major: major ?? 1, minor: minor ?? 0, patch: patch ?? undefined, source: `test ${text}` };
}

export function snapshotFromYaml(testCase: Omit<RuleCase, 'name'>): ClusterSnapshot {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(testCase.manifests)) {
    if (doc.errors.length > 0) throw new Error(`bad test YAML: ${doc.errors[0]?.message}`);
    const raw = doc.toJS() as unknown;
    if (raw === null || raw === undefined) continue;
    const result = normalizeObject(raw, { file: 'test.yaml', line: 1 });
    if ('object' in result) objects.push(result.object);
    else if ('problem' in result) throw new Error(`bad test object: ${result.problem.message}`);
  }
  const snapshot = buildSnapshot({
    cluster: { name: 'test-cluster', resourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/test-cluster' },
    source: 'manifests',
    objects,
    meshConfig: testCase.meshConfig,
    istioVersion: testCase.istioVersion ? parseVersion(testCase.istioVersion) : undefined,
    aksCluster: testCase.aksCluster,
    meshRevisions: testCase.meshRevisions,
    meshMode: testCase.meshMode,
    coverage: testCase.coverage,
    inputProblems: testCase.inputProblems,
  });
  if (testCase.meshRevisionProfile) snapshot.meshRevisionProfile = testCase.meshRevisionProfile;
  return snapshot;
}

export function runRule(rule: Rule, testCase: Omit<RuleCase, 'name'>): Finding[] {
  const snapshot = snapshotFromYaml(testCase);
  return evaluateSnapshot(snapshot, defaultConfig(testCase.config), { rules: [rule] });
}

function matches(finding: Finding, expected: ExpectedFinding): boolean {
  if (expected.severity && finding.severity !== expected.severity) return false;
  if (expected.namespace !== undefined && finding.namespace !== expected.namespace) return false;
  if (expected.resourceName !== undefined && finding.resource?.name !== expected.resourceName) return false;
  if (expected.resourceKind !== undefined && finding.resource?.kind !== expected.resourceKind) return false;
  if (expected.subjectKey !== undefined && finding.subjectKey !== expected.subjectKey) return false;
  if (expected.suppressed !== undefined && finding.suppressed !== expected.suppressed) return false;
  if (expected.messageIncludes && !expected.messageIncludes.every((part) => finding.message.includes(part))) return false;
  if (expected.affectedNamespaces && [...finding.affectedNamespaces].sort().join(',') !== [...expected.affectedNamespaces].sort().join(',')) return false;
  return true;
}

function describeFindings(findings: Finding[]): string {
  return JSON.stringify(
    findings.map((f) => ({ severity: f.severity, namespace: f.namespace, resource: f.resource?.name, subjectKey: f.subjectKey, affected: f.affectedNamespaces, message: f.message })),
    null,
    2,
  );
}

export function runRuleTests(rule: Rule, cases: { valid: RuleCase[]; invalid: InvalidRuleCase[] }): void {
  describe(rule.meta.id, () => {
    it('has complete metadata', () => {
      expect(rule.meta.title.length).toBeGreaterThan(5);
      expect(rule.meta.rationale.length).toBeGreaterThan(20);
      expect(rule.meta.remediation.length).toBeGreaterThan(10);
      expect(rule.meta.references.length).toBeGreaterThan(0);
    });
    it('has at least one valid and one invalid case', () => {
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
    });
    describe('valid (must not fire)', () => {
      for (const testCase of cases.valid) {
        it(testCase.name, () => {
          const findings = runRule(rule, testCase);
          if (findings.length > 0) throw new Error(`expected no finding, got ${describeFindings(findings)}`);
        });
      }
    });
    describe('invalid (must fire)', () => {
      for (const testCase of cases.invalid) {
        it(testCase.name, () => {
          const findings = runRule(rule, testCase);
          const unmatched = [...findings];
          for (const expected of testCase.findings) {
            const index = unmatched.findIndex((finding) => matches(finding, expected));
            if (index < 0) throw new Error(`expected a finding like ${JSON.stringify(expected)}; got ${describeFindings(findings)}`);
            const [finding] = unmatched.splice(index, 1);
            expected.check?.(finding as Finding);
          }
          if (unmatched.length > 0) throw new Error(`unexpected extra findings: ${describeFindings(unmatched)}`);
        });
      }
    });
  });
}
