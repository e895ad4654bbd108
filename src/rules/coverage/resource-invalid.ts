import { createHash } from 'node:crypto';
import { ROUTE_KINDS } from '../../mesh/gateway-api.js';
import { kindUnread } from '../../snapshot/coverage.js';
import type { InputProblem } from '../../snapshot/types.js';
import { admissionProblem, schemaProblem, statusProblem } from '../../snapshot/validate.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';

/**
 * resource-invalid: an input document or object the scanner had to ignore — unreadable YAML
 * (with file and line), an unknown API version, fields of the wrong type, or an object
 * Istio reports as not applied (negative status condition), and Gateway API routes whose
 * cross-namespace backend no ReferenceGrant allows (a routing defect). assembleSnapshot already set
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
  // Several references of one route are several defects.
  if (problem.resource && problem.type === 'reference') return `${problem.type}:${problem.resource.kind}/${problem.resource.namespace}/${problem.resource.name}:${createHash('sha256').update(problem.message).digest('hex').slice(0, 12)}`;
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

/**
 * Routing defects: a cross-namespace backendRef of a route attached to a Gateway that no
 * ReferenceGrant allows. Istio drops that backend (ResolvedRefs=False, RefNotPermitted; its
 * requests get HTTP 500): a broken route, not an exposure. Unknown when ReferenceGrants were not read.
 */
function routingDefects({ snapshot, model }: RuleContext): InputProblem[] {
  if (kindUnread(snapshot, 'ReferenceGrant') || snapshot.objects.ReferenceGrant.length + ROUTE_KINDS.reduce((sum, kind) => sum + snapshot.objects[kind].length, 0) === 0) return [];
  return model.gatewayApi().unpermittedBackends().map((ref) => ({
    type: 'reference',
    message: `${ref.route.kind} ${ref.route.namespace}/${ref.route.object.metadata.name}: backendRef ${ref.group ? `${ref.kind}.${ref.group}` : ref.kind} ${ref.namespace}/${ref.name} is in another namespace and no ReferenceGrant in ${ref.namespace} allows ${ref.route.kind}s from ${ref.route.namespace}, so the gateway does not route to it (ResolvedRefs=False, RefNotPermitted)`,
    source: ref.route.object.source,
    resource: { apiVersion: ref.route.object.apiVersion, kind: ref.route.object.kind, name: ref.route.object.metadata.name, namespace: ref.route.namespace },
  }));
}

function evaluateResourceInvalid(ctx: RuleContext): RuleResult[] {
  const { snapshot } = ctx;
  const problems = [...snapshot.inputProblems, ...routingDefects(ctx)];
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
