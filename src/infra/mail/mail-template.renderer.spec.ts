import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/configuration';
import { MailTemplateRenderer } from './mail-template.renderer';

// APP_WEB_URL: links in mails open the web app.
const PUBLIC_URL = 'https://lms.example.com';

function renderer(): MailTemplateRenderer {
  return new MailTemplateRenderer({ webUrl: PUBLIC_URL } as ConfigType<typeof appConfig>);
}

describe('MailTemplateRenderer', () => {
  it('renders the welcome mail: subject, HTML inside the layout, and text', () => {
    const mail = renderer().render({
      to: 'ada@example.com',
      template: 'welcome',
      context: { fullName: 'Ada Lovelace', email: 'ada@example.com' },
    });
    expect(mail.to).toBe('ada@example.com');
    expect(mail.subject).toBe('Welcome to LMS, Ada Lovelace');
    expect(mail.html).toContain('<h1>Welcome, Ada Lovelace!</h1>');
    expect(mail.html).toContain('<strong>ada@example.com</strong>');
    expect(mail.html).toContain('<title>Welcome to LMS, Ada Lovelace</title>');
    expect(mail.html).toContain(`<a href="${PUBLIC_URL}">Open LMS</a>`);
    expect(mail.text).toContain('Welcome, Ada Lovelace!');
    expect(mail.text).toContain('Your account ada@example.com is ready');
    expect(mail.text).toContain(PUBLIC_URL);
    expect(mail.text).not.toMatch(/<[a-z]/i);
  });

  it('puts the reset link, unaltered, in both the HTML and the text part', () => {
    const link = `${PUBLIC_URL}/reset-password?token=abc_DEF-123&x=1`;
    const mail = renderer().render({
      to: 'ada@example.com',
      template: 'password-reset',
      context: { fullName: 'Ada', link },
    });
    expect(mail.subject).toBe('Reset your LMS password');
    // In HTML the link is attribute-escaped; a browser decodes it back to the same URL.
    expect(mail.html).toContain(
      `<a href="${PUBLIC_URL}/reset-password?token&#x3D;abc_DEF-123&amp;x&#x3D;1">`,
    );
    // The text part is read as is, so it must carry the URL byte for byte.
    expect(mail.text).toContain(`\n${link}\n`);
  });

  it('renders the email verification mail with its link in both parts', () => {
    const link = `${PUBLIC_URL}/verify-email?token=tok123`;
    const mail = renderer().render({
      to: 'ada@example.com',
      template: 'email-verification',
      context: { fullName: 'Ada', email: 'ada@example.com', link },
    });
    expect(mail.subject).toBe('Confirm your email address for LMS');
    expect(mail.html).toContain('<strong>ada@example.com</strong>');
    expect(mail.html).toContain(`href="${PUBLIC_URL}/verify-email?token&#x3D;tok123"`);
    expect(mail.text).toContain(link);
  });

  it('renders the graded-submission mail, with the feedback only when there is some', () => {
    const context = {
      fullName: 'Ada',
      assignmentTitle: 'Lab <1>',
      version: 2,
      finalScore: 17.5,
      maxPoints: 20,
      submissionUrl: `${PUBLIC_URL}/submissions/s1`,
    };
    const withFeedback = renderer().render({
      to: 'ada@example.com',
      template: 'submission-graded',
      context: { ...context, feedback: 'Clear & short' },
    });
    expect(withFeedback.subject).toBe('Your submission to Lab <1> was graded');
    expect(withFeedback.html).toContain('<h1>Lab &lt;1&gt;: 17.5 / 20</h1>');
    expect(withFeedback.html).toContain('<p>Feedback: Clear &amp; short</p>');
    expect(withFeedback.text).toContain(
      'Version 2 of your submission to Lab <1> was graded: 17.5 of 20 points.',
    );
    expect(withFeedback.text).toContain('Feedback: Clear & short');
    expect(withFeedback.text).toContain(`${PUBLIC_URL}/submissions/s1`);
    const without = renderer().render({
      to: 'ada@example.com',
      template: 'submission-graded',
      context: { ...context, feedback: null },
    });
    expect(without.html).not.toContain('Feedback');
    expect(without.text).not.toContain('Feedback');
  });

  it('HTML-escapes user-provided values in the HTML part', () => {
    const fullName = '<script>alert("x")</script> & <b>Bob</b>';
    const mail = renderer().render({
      to: 'bob@example.com',
      template: 'welcome',
      context: { fullName, email: 'bob@example.com' },
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>Bob</b>');
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Bob&lt;/b&gt;',
    );
  });

  it('keeps plain-text parts and the subject free of HTML entities', () => {
    const mail = renderer().render({
      to: 'o.brien@example.com',
      template: 'welcome',
      context: { fullName: `Seán O'Brien & <Co>`, email: 'o.brien@example.com' },
    });
    expect(mail.subject).toBe(`Welcome to LMS, Seán O'Brien & <Co>`);
    expect(mail.text).toContain(`Welcome, Seán O'Brien & <Co>!`);
    // The layout's <title> is HTML, so the subject is escaped there.
    expect(mail.html).toContain(
      '<title>Welcome to LMS, Seán O&#x27;Brien &amp; &lt;Co&gt;</title>',
    );
  });

  it.each([
    'no-such-template',
    '../x',
    '../templates/welcome',
    'welcome/../welcome',
    'Welcome',
    '',
  ])('refuses the template name %p', (template) => {
    expect(() => renderer().render({ to: 'a@example.com', template, context: {} })).toThrow(
      /unknown mail template/,
    );
  });

  it('throws when a variable the template uses is missing from the context', () => {
    expect(() =>
      renderer().render({
        to: 'ada@example.com',
        template: 'password-reset',
        context: { fullName: 'Ada' },
      }),
    ).toThrow(/link/);
  });

  it('renders each mail with its own context once the template is cached', () => {
    const r = renderer();
    const first = r.render({
      to: 'a@example.com',
      template: 'welcome',
      context: { fullName: 'A', email: 'a@example.com' },
    });
    const second = r.render({
      to: 'b@example.com',
      template: 'welcome',
      context: { fullName: 'B', email: 'b@example.com' },
    });
    expect(first.subject).toBe('Welcome to LMS, A');
    expect(second.subject).toBe('Welcome to LMS, B');
  });
});
