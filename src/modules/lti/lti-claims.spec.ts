import { createHash } from 'node:crypto';
import {
  autoSubmitForm,
  escapeHtml,
  passes,
  passingPercentage,
  resourceLinkClaims,
  roleIris,
} from './lti-claims';

describe('passingPercentage', () => {
  it('is 60 unless ltiCustom.passingScorePercentage is a number from 0 to 100', () => {
    expect(passingPercentage(null)).toBe(60);
    expect(passingPercentage({})).toBe(60);
    expect(passingPercentage({ passingScorePercentage: '75' })).toBe(75);
    expect(passingPercentage({ passingScorePercentage: ' 0 ' })).toBe(0);
    expect(passingPercentage({ passingScorePercentage: '100' })).toBe(100);
    expect(passingPercentage({ passingScorePercentage: '62.5' })).toBe(62.5);
    for (const bad of ['101', '-1', 'abc', '', '1e2', '0x10']) {
      expect({ bad, value: passingPercentage({ passingScorePercentage: bad }) }).toEqual({
        bad,
        value: 60,
      });
    }
  });
});

describe('passes', () => {
  it('compares scoreGiven/scoreMaximum with the percentage, inclusive', () => {
    expect(passes(6, 10, 60)).toBe(true);
    expect(passes(5.99, 10, 60)).toBe(false);
    expect(passes(0.7, 1, 70)).toBe(true);
    expect(passes(7, 10, 70.01)).toBe(false);
    expect(passes(0, 10, 0)).toBe(true);
    expect(passes(10, 0, 0)).toBe(false);
  });
});

describe('roleIris', () => {
  it('maps launch roles to LIS role IRIs', () => {
    expect(roleIris('Learner')).toEqual([
      'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
    ]);
    expect(roleIris('Instructor')).toEqual([
      'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
    ]);
    expect(roleIris('Administrator')).toEqual([
      'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
      'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
    ]);
  });
});

describe('resourceLinkClaims', () => {
  it('carries the LTI 1.3 resource link claims and the AGS endpoint', () => {
    const claims = resourceLinkClaims({
      issuer: 'https://lms.example.com',
      clientId: 'client',
      deploymentId: 'dep',
      userId: 'u1',
      nonce: 'n1',
      targetLinkUri: 'https://tool.example.com/launch',
      role: 'Learner',
      lesson: { id: 'l1', title: 'Lesson' },
      course: { id: 'c1', title: 'Course' },
      custom: { a: 'b' },
      lineItemsUrl: 'https://lms.example.com/api/v1/lti/courses/c1/lineitems',
      lineItemUrl: null,
    });
    expect(claims).toMatchObject({
      iss: 'https://lms.example.com',
      aud: 'client',
      sub: 'u1',
      nonce: 'n1',
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
      'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'dep',
      'https://purl.imsglobal.org/spec/lti/claim/custom': { a: 'b' },
    });
    expect(claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint']).toEqual({
      scope: [
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      ],
      lineitems: 'https://lms.example.com/api/v1/lti/courses/c1/lineitems',
    });
  });
});

describe('autoSubmitForm', () => {
  it('escapes every value and allows only its own script and a post to the action origin', () => {
    const { html, csp } = autoSubmitForm('https://tool.example.com/launch?a=1&b="2"', {
      id_token: 'x.y.z',
      state: '"><script>alert(1)</script>',
    });
    expect(html).toContain('action="https://tool.example.com/launch?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert');
    const script = /<script>(.*?)<\/script>/.exec(html)![1];
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toBe(
      `default-src 'none'; script-src 'sha256-${hash}'; form-action https://tool.example.com; ` +
        "base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
