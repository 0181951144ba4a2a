import { createHash } from 'node:crypto';

/** LTI 1.3 / AGS vocabulary (IMS LTI Core 1.3, Assignment and Grade Services 2.0). */
export const LTI_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
export const AGS_ENDPOINT_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';

export const AGS_SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;
export const ALL_AGS_SCOPES: string[] = Object.values(AGS_SCOPES);

export const ROLE_IRIS = {
  Learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  Instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  Administrator: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
} as const;

export type LaunchRole = 'Learner' | 'Instructor' | 'Administrator';

export const COURSE_OFFERING = 'http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering';

/** Role IRIs of a launch: managers are Instructors (admins also institution Administrators). */
export function roleIris(role: LaunchRole): string[] {
  if (role === 'Administrator') return [ROLE_IRIS.Instructor, ROLE_IRIS.Administrator];
  return [ROLE_IRIS[role]];
}

export interface ResourceLinkLaunch {
  issuer: string;
  clientId: string;
  deploymentId: string;
  userId: string;
  nonce: string;
  targetLinkUri: string;
  role: LaunchRole;
  lesson: { id: string; title: string };
  course: { id: string; title: string };
  custom: Record<string, string>;
  lineItemsUrl: string;
  lineItemUrl: string | null;
}

/** The claims of an LtiResourceLinkRequest id_token (iat/exp are added when signing). */
export function resourceLinkClaims(launch: ResourceLinkLaunch): Record<string, unknown> {
  return {
    iss: launch.issuer,
    aud: launch.clientId,
    azp: launch.clientId,
    sub: launch.userId,
    nonce: launch.nonce,
    [`${LTI_CLAIM}message_type`]: 'LtiResourceLinkRequest',
    [`${LTI_CLAIM}version`]: '1.3.0',
    [`${LTI_CLAIM}deployment_id`]: launch.deploymentId,
    [`${LTI_CLAIM}target_link_uri`]: launch.targetLinkUri,
    [`${LTI_CLAIM}resource_link`]: { id: launch.lesson.id, title: launch.lesson.title },
    [`${LTI_CLAIM}roles`]: roleIris(launch.role),
    [`${LTI_CLAIM}context`]: {
      id: launch.course.id,
      title: launch.course.title,
      type: [COURSE_OFFERING],
    },
    [`${LTI_CLAIM}custom`]: launch.custom,
    [AGS_ENDPOINT_CLAIM]: {
      scope: ALL_AGS_SCOPES,
      lineitems: launch.lineItemsUrl,
      ...(launch.lineItemUrl ? { lineitem: launch.lineItemUrl } : {}),
    },
  };
}

/** The passing percentage of an lti lesson: `ltiCustom.passingScorePercentage`, else 60. */
export function passingPercentage(custom: Record<string, string> | null): number {
  const raw = custom?.passingScorePercentage;
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return 60;
  const value = Number(raw);
  return value >= 0 && value <= 100 ? value : 60;
}

/** Whether a score reaches the passing percentage (exact decimal comparison, no float drift). */
export function passes(scoreGiven: number, scoreMaximum: number, percentage: number): boolean {
  if (!(scoreMaximum > 0)) return false;
  return scoreGiven * 100 >= percentage * scoreMaximum - 1e-9;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => escapes[char]);

const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SUBMIT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SUBMIT_SCRIPT).digest('base64')}'`;

/**
 * The OIDC form_post response: a page that POSTs `fields` to `action` at once (a button without
 * scripts). Every value is HTML-escaped; the CSP allows only this script and a form post to the
 * action's origin.
 */
export function autoSubmitForm(
  action: string,
  fields: Record<string, string>,
): { html: string; csp: string } {
  const inputs = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const html =
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Launching…</title></head>' +
    `<body><form method="post" action="${escapeHtml(action)}">${inputs}` +
    '<noscript><button type="submit">Continue</button></noscript></form>' +
    `<script>${SUBMIT_SCRIPT}</script></body></html>`;
  const csp = [
    "default-src 'none'",
    `script-src ${SUBMIT_SCRIPT_HASH}`,
    `form-action ${new URL(action).origin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}
