import { createHash } from 'node:crypto';
import type { InputProblem } from '../../snapshot/types.js';
import { admissionProblem, schemaProblem, statusProblem } from '../../snapshot/validate.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';

/**
 * resource-invalid: an input document or object the scanner had to ignore — unreadable YAML
 * (with file and line), an unknown API version, fields of the wrong type, or an object
 * Istio reports as not applied (negative status condition). assembleSnapshot already set
 * these objects aside into snapshot.inputProblems; objects of a snapshot that did not go
 * through it (tests, other tools) are checked here too, so the rule never depends on how
 * the snapshot was built. See validate.ts for what counts as invalid.
 */
export function createResourceInvalidRule(): Rule {
  return {
    meta: {
      id: 'resource-invalid',
      title: 'Input or object ignored as invalid',
      category: 'coverage',
      defaultSeverity: 'low',
      rationale:
        'An object with wrong field types is rejected by the API server or ignored by Istio, and an object Istio reports as not accepted is not in force. Evaluating it would invent exposure that does not exist (or hide a broken change); ignoring it silently would hide a broken manifest. The scanner ignores it for exposure and says so.',
      remediation:
        'Fix the document at the reported file and line (or the object named) so that it matches the Istio API (for example `exportTo` must be a list of strings), or fix what the status condition reports, then scan again.',
      references: [
        'https://istio.io/latest/docs/reference/config/networking/service-entry/',
        'https://istio.io/latest/docs/reference/config/config-status/',
        'https://istio.io/latest/docs/reference/config/analysis/',
      ],
      requires: [],
    },
    evaluate: evaluateResourceInvalid,
  };
}

function subjectKeyOf(problem: InputProblem): string {
  if (problem.resource) return `${problem.type}:${problem.resource.kind}/${problem.resource.namespace}/${problem.resource.name}`;
  const where = problem.source ? `${problem.source.file}:${problem.source.line}` : '';
  return `${problem.type}:${where}:${createHash('sha256').update(problem.message).digest('hex').slice(0, 12)}`;
}

function resultOf(problem: InputProblem): RuleResult {
  // Loader messages already name the file; objects checked here only carry it in `source`.
  const message = problem.source && !problem.message.includes(problem.source.file) ? `${problem.message} (${problem.source.file}:${problem.source.line})` : problem.message;
  return {
    message: message.endsWith('.') ? message : `${message}.`,
    namespace: problem.resource?.namespace ?? '',
    resource: problem.resource,
    subjectKey: subjectKeyOf(problem),
    source: problem.source,
    evidence: { problemType: problem.type, ...(problem.source ? { file: problem.source.file, line: problem.source.line } : {}) },
  };
}

function evaluateResourceInvalid({ snapshot }: RuleContext): RuleResult[] {
  const problems = [...snapshot.inputProblems];
  for (const objects of Object.values(snapshot.objects)) {
    for (const object of objects) {
      const problem = schemaProblem(object) ?? (snapshot.source !== 'live' ? admissionProblem(object) : undefined) ?? statusProblem(object);
      if (problem) problems.push(problem);
    }
  }
  const seen = new Set<string>();
  const results: RuleResult[] = [];
  for (const problem of problems) {
    const result = resultOf(problem);
    if (seen.has(result.subjectKey!)) continue;
    seen.add(result.subjectKey!);
    results.push(result);
  }
  return results;
}
