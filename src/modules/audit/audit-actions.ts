/**
 * Every action the audit log records, with the type of resource it concerns. One list: a new
 * feature (LTI tools...) adds its actions here and the listing's `action` filter follows.
 */
export const AUDIT_ACTIONS = {
  'user.created': 'user',
  'user.updated': 'user',
  'user.deleted': 'user',
  'user.erased': 'user',
  'course.published': 'course',
  'course.unpublished': 'course',
  'course.deleted': 'course',
  'certificate.revoked': 'certificate',
  'submission.graded': 'submission',
  'attempt.graded': 'attempt',
  'webhook.created': 'webhook',
  'webhook.updated': 'webhook',
  'webhook.deleted': 'webhook',
  'lti.tool.created': 'lti_tool',
  'lti.tool.deleted': 'lti_tool',
  'auth.mfa.enabled': 'user',
  'auth.mfa.disabled': 'user',
  'auth.password.changed': 'user',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export type AuditResourceType = (typeof AUDIT_ACTIONS)[AuditAction];

export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];
export const AUDIT_RESOURCE_TYPES = [
  ...new Set(Object.values(AUDIT_ACTIONS)),
] as AuditResourceType[];
