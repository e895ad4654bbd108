import type { Rule } from '../types.js';
import { admissionExportToPolicyMissing } from './admission-exportto-policy-missing.js';
import { policyExceptionExportTo } from './policy-exception-exportto.js';
import { quotaServiceEntryMissing } from './quota-serviceentry-missing.js';
import { rbacServiceEntryWriteBroad } from './rbac-serviceentry-write-broad.js';

export const admissionRules: Rule[] = [admissionExportToPolicyMissing, policyExceptionExportTo, rbacServiceEntryWriteBroad, quotaServiceEntryMissing];
