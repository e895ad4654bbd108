/**
 * Round trip: prevent, then detect. A cluster with the prevention kit installed, and with
 * the objects its Kyverno generate rules create for each new tenant namespace (rendered
 * from the kit's own generate rules), must be clean for the rules the kit answers; with
 * the kit in audit mode the admission finding drops to medium; without it, every one fires.
 */
import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { defaultConfig } from '../../src/config/types.js';
import { evaluateSnapshot } from '../../src/rules/engine.js';
import { findRule } from '../../src/rules/registry.js';
import type { Finding, Rule } from '../../src/rules/types.js';
import { snapshotFromYaml } from '../helpers/rule-tester.js';
import { generatedObjectsFor, renderOverlay, type Manifest } from './kit.js';

const TENANTS = ['team-a', 'team-b'];
const ROOT_NAMESPACE = 'aks-istio-system';

/** Rules the kit exists to satisfy for tenant namespaces. */
const NAMESPACE_RULE_IDS = ['namespace-missing-default-sidecar', 'namespace-missing-authorizationpolicy', 'namespace-mtls-not-strict', 'quota-serviceentry-missing'];
const ADMISSION_RULE_ID = 'admission-exportto-policy-missing';

function requireRule(ruleId: string): Rule {
  const rule = findRule(ruleId);
  if (!rule) throw new Error(`rule ${ruleId} is not in the registry yet (src/rules/registry.ts): the round trip cannot be checked`);
  return rule;
}

function namespace(name: string, labels: Record<string, string> = {}): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A cluster: system and tenant namespaces, a tenant ServiceEntry that obeys the policy, plus `extra`. */
function scan(extra: Manifest[], ruleIds: string[]): Finding[] {
  const manifests: Manifest[] = [
    namespace('kube-system'),
    namespace(ROOT_NAMESPACE),
    ...TENANTS.map((tenant) => namespace(tenant, { 'istio.io/rev': 'asm-1-25' })),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'payments-api', namespace: 'team-a' },
      spec: { hosts: ['api.payments.example.com'], exportTo: ['.'], resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] },
    },
    ...extra,
  ];
  const snapshot = snapshotFromYaml({
    manifests: manifests.map((manifest) => stringify(manifest)).join('---\n'),
    meshConfig: { rootNamespace: ROOT_NAMESPACE },
    meshMode: 'Istio',
    meshRevisions: ['asm-1-25'],
  });
  return evaluateSnapshot(snapshot, defaultConfig(), { rules: ruleIds.map(requireRule) });
}

/** The kit overlay plus what its generate rules create in each tenant namespace. */
function installed(overlay: string): Manifest[] {
  const kit = renderOverlay(overlay);
  return [...kit, ...TENANTS.flatMap((tenant) => generatedObjectsFor(kit, tenant))];
}

const tenantFindings = (findings: Finding[]) => findings.filter((finding) => TENANTS.includes(finding.namespace));
const summary = (findings: Finding[]) => findings.map((finding) => `${finding.ruleId} ${finding.severity} ${finding.namespace}: ${finding.message}`);

describe('prevent, then detect (round trip)', () => {
  // One test per rule, so a rule that is not written yet fails only its own tests.
  describe.each(NAMESPACE_RULE_IDS)('%s', (ruleId) => {
    it('fires for every tenant namespace without the kit (so the checks below can fail)', () => {
      expect(tenantFindings(scan([], [ruleId])).map((finding) => finding.namespace).sort()).toEqual(TENANTS);
    });

    it('does not fire for tenant namespaces with the enforce kit (Kyverno) and its generated defaults', () => {
      expect(summary(tenantFindings(scan(installed('enforce'), [ruleId])))).toEqual([]);
    });

    it('does not fire for tenant namespaces with the audit kit either (generation is the same)', () => {
      expect(summary(tenantFindings(scan(installed('audit'), [ruleId])))).toEqual([]);
    });
  });

  it.each([
    ['no admission kit', ['high'], null],
    ['enforce', [], 'enforce'],
    ['audit', ['medium'], 'audit'],
    ['enforce/gatekeeper', [], 'enforce/gatekeeper'],
    ['enforce/vap', [], 'enforce/vap'],
    ['audit/gatekeeper', ['medium'], 'audit/gatekeeper'],
    ['audit/vap', ['medium'], 'audit/vap'],
  ] as const)(`${ADMISSION_RULE_ID} with %s: severities %j`, (_label, severities, overlay) => {
    const findings = scan(overlay ? renderOverlay(overlay) : [], [ADMISSION_RULE_ID]);
    expect(findings.map((finding) => finding.severity)).toEqual(severities);
  });
});
