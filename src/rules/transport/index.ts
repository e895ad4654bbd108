import type { Rule } from '../types.js';
import { authorizationPolicyIdentityWithoutMtls } from './authorizationpolicy-identity-without-mtls.js';
import { authorizationPolicyUnknownNamespace } from './authorizationpolicy-unknown-namespace.js';
import { destinationRuleTlsDisabled } from './destinationrule-tls-disabled.js';
import { namespaceMissingAuthorizationPolicy } from './namespace-missing-authorizationpolicy.js';
import { namespaceMtlsNotStrict } from './namespace-mtls-not-strict.js';

export const transportRules: Rule[] = [namespaceMtlsNotStrict, destinationRuleTlsDisabled, namespaceMissingAuthorizationPolicy, authorizationPolicyUnknownNamespace, authorizationPolicyIdentityWithoutMtls];
