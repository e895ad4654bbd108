/**
 * JUnit XML for CI test tabs: Azure DevOps (PublishTestResults@2, testResultsFormat JUnit)
 * and GitLab (artifacts:reports:junit). One <testsuite> per cluster; in it one <testcase>
 * per finding, failed when the finding fails the gate and skipped (with the reason) when
 * it does not, plus one `gate` testcase that fails when anything fails the gate, so a clean
 * scan still shows one passing test instead of an empty tab.
 *
 * The XML is written in chunks (a testcase at a time) so a huge report never has to fit
 * in one string. Attribute and text values are escaped, and characters XML 1.0 cannot
 * carry (C0 controls, lone surrogates) are replaced, so hostile object names cannot break
 * the document.
 */
import { resourceLabel, sortFindings } from './render/common.js';
import { boundedAffected } from './bounded.js';
import { coverageBlock, gateExemption, type FailOn } from './gate.js';
import type { Finding } from '../rules/types.js';
import type { ClusterScanResult, ScanReport } from './types.js';

export interface JunitOptions {
  failOn: FailOn;
}

// Tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF (XML 1.0 "Char").
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttribute(value: string): string {
  return xmlText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}

function details(finding: Finding, clusterName: string): string {
  const lines = [
    finding.message,
    '',
    `rule: ${finding.ruleId} (${finding.severity}, ${finding.category})`,
    `cluster: ${clusterName}`,
    `namespace: ${finding.namespace || '(cluster-level)'}`,
  ];
  const resource = resourceLabel(finding);
  if (resource) lines.push(`resource: ${resource}`);
  if (finding.source) lines.push(`file: ${finding.source.file}:${finding.source.line}`);
  const affected = boundedAffected(finding, 0).count;
  if (affected > 0) lines.push(`affected namespaces: ${affected}`);
  lines.push(`remediation: ${finding.remediation}`, `finding id: ${finding.findingId}`);
  return lines.join('\n');
}

function testcaseName(finding: Finding): string {
  const where = resourceLabel(finding) || (finding.namespace ? `Namespace ${finding.namespace}` : 'cluster');
  return `${finding.ruleId}: ${where}${finding.subjectKey && !where.includes(finding.subjectKey) ? ` (${finding.subjectKey})` : ''}`;
}

function* clusterSuite(result: ClusterScanResult, failOn: FailOn, allowIncomplete: boolean): Generator<string> {
  const clusterName = result.record.cluster.name;
  const findings = sortFindings(result.findings);
  const exemptions = findings.map((finding) => gateExemption(result, finding, failOn));
  const failures = exemptions.filter((reason) => reason === undefined).length;
  const skipped = exemptions.length - failures;
  // A cluster not read in full fails the gate test case whatever its findings: what was not read is unknown.
  const blocked = coverageBlock(result, allowIncomplete);
  const gateFails = failures > 0 || blocked !== undefined;
  yield `  <testsuite${attributes({ name: `istio-isolation-scanner: ${clusterName}`, tests: findings.length + 1, failures: failures + (gateFails ? 1 : 0), errors: 0, skipped, timestamp: result.record.timeGenerated.replace(/Z$/, ''), time: (result.record.durationMs / 1000).toFixed(3) })}>\n`;
  yield `    <properties>\n`;
  yield `      <property${attributes({ name: 'status', value: result.record.status })}/>\n`;
  yield `      <property${attributes({ name: 'failOn', value: failOn })}/>\n`;
  if (result.scope) yield `      <property${attributes({ name: 'tenant', value: result.scope.tenants.join(',') })}/>\n`;
  if (result.comparison) yield `      <property${attributes({ name: 'comparedWith', value: result.comparison.against })}/>\n`;
  yield `    </properties>\n`;
  const classPrefix = `istio-isolation-scanner.${clusterName}`;
  const gateTitle = failOn === 'none' ? 'gate is off (--fail-on none)' : `no unsuppressed finding at or above ${failOn}`;
  yield `    <testcase${attributes({ classname: `${classPrefix}.gate`, name: gateTitle, time: '0' })}>`;
  if (gateFails) yield `\n      <failure${attributes({ message: blocked ? `the cluster ${blocked}; what was not read is unknown, not passed${failures > 0 ? `; ${failures} finding(s) fail the gate` : ''}` : `${failures} finding(s) fail the gate`, type: 'gate' })}/>\n    `;
  yield `</testcase>\n`;
  for (const [index, finding] of findings.entries()) {
    const reason = exemptions[index];
    yield `    <testcase${attributes({ classname: `${classPrefix}.${finding.ruleId}`, name: testcaseName(finding), file: finding.source?.file, line: finding.source?.line, time: '0' })}>\n`;
    if (reason === undefined) yield `      <failure${attributes({ message: finding.message, type: finding.severity })}>${xmlText(details(finding, clusterName))}</failure>\n`;
    else yield `      <skipped${attributes({ message: `${finding.severity}, not failing the gate: ${reason}` })}/>\n      <system-out>${xmlText(details(finding, clusterName))}</system-out>\n`;
    yield `    </testcase>\n`;
  }
  yield `  </testsuite>\n`;
}

export function* renderJunit(report: ScanReport, options: JunitOptions): Generator<string> {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const result of report.clusters) {
    const exemptions = result.findings.map((finding) => gateExemption(result, finding, options.failOn));
    const failing = exemptions.filter((reason) => reason === undefined).length;
    tests += result.findings.length + 1;
    failures += failing + (failing > 0 || coverageBlock(result, Boolean(report.allowIncomplete)) ? 1 : 0);
    skipped += exemptions.length - failing;
  }
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites${attributes({ name: 'istio-isolation-scanner', tests, failures, errors: 0, skipped })}>\n`;
  for (const result of report.clusters) yield* clusterSuite(result, options.failOn, Boolean(report.allowIncomplete));
  yield '</testsuites>\n';
}
