import type { Rule } from '../types.js';
import { namespaceConflictingInjectionLabels } from './namespace-conflicting-injection-labels.js';
import { namespaceInjectionRevisionUnknown } from './namespace-injection-revision-unknown.js';
import { namespaceNotInjected } from './namespace-not-injected.js';
import { workloadInjectionDisabled } from './workload-injection-disabled.js';

export const enrolmentRules: Rule[] = [namespaceNotInjected, namespaceInjectionRevisionUnknown, namespaceConflictingInjectionLabels, workloadInjectionDisabled];
