import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packageJson from '../../package.json';
import { createLmsClient, LmsClient } from '../../sdk/client';
import { createTestApp, TestApp } from '../utils/test-app';

const ROOT = join(__dirname, '..', '..');
const ADMIN = { email: 'sdk-admin@example.com', password: 'Admin-pass-1' };

/** Throws with the API's error code, so a failing step names itself. */
function must<T>(result: { data?: { data: T }; error?: unknown; response: Response }): T {
  if (!result.data) {
    throw new Error(`${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data.data;
}

describe('generated TypeScript SDK', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp({
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(() => t.close());

  it('is generated from the committed openapi.json (run `npm run sdk`)', () => {
    // The same command as `npm run sdk`, writing elsewhere.
    const [command, ...args] = packageJson.scripts.sdk.split(' ');
    const out = join(mkdtempSync(join(tmpdir(), 'lms-sdk-')), 'schema.d.ts');
    args[args.indexOf('-o') + 1] = out;
    execFileSync(join(ROOT, 'node_modules', '.bin', command), args, { cwd: ROOT, stdio: 'ignore' });
    expect(readFileSync(out, 'utf8')).toEqual(
      readFileSync(join(ROOT, 'sdk', 'schema.d.ts'), 'utf8'),
    );
  });

  it('drives register, course authoring, enrollment, completion and certificate verification', async () => {
    const tokens: Record<string, string | undefined> = {};
    const as = (who: string): LmsClient =>
      createLmsClient({ baseUrl, accessToken: () => tokens[who] });

    const admin = must(await as('admin').POST('/api/v1/auth/login', { body: ADMIN }));
    if (!('tokens' in admin)) throw new Error('admin login asked for MFA');
    tokens.admin = admin.tokens.accessToken;
    must(
      await as('admin').POST('/api/v1/users', {
        body: {
          email: 'sdk-teacher@example.com',
          password: 'Teacher-pass-1',
          fullName: 'Grace',
          role: 'instructor',
        },
      }),
    );
    const teacher = must(
      await as('teacher').POST('/api/v1/auth/login', {
        body: { email: 'sdk-teacher@example.com', password: 'Teacher-pass-1' },
      }),
    );
    if (!('tokens' in teacher)) throw new Error('teacher login asked for MFA');
    tokens.teacher = teacher.tokens.accessToken;

    const student = must(
      await as('student').POST('/api/v1/auth/register', {
        body: { email: 'sdk-student@example.com', password: 'Student-pass-1', fullName: 'Ada' },
      }),
    );
    tokens.student = student.tokens.accessToken;
    expect(student.user.role).toBe('student');

    const course = must(
      await as('teacher').POST('/api/v1/courses', {
        body: { title: 'SDK Course', difficultyLevel: 'beginner' },
      }),
    );
    const lesson = must(
      await as('teacher').POST('/api/v1/courses/{id}/lessons', {
        params: { path: { id: course.id } },
        body: { title: 'Only lesson', contentType: 'text', content: 'Hello' },
      }),
    );
    must(
      await as('teacher').POST('/api/v1/courses/{id}/publish', {
        params: { path: { id: course.id } },
      }),
    );

    const enrollment = must(
      await as('student').POST('/api/v1/enrollments', { body: { courseId: course.id } }),
    );
    const completed = must(
      await as('student').POST('/api/v1/enrollments/{id}/lessons/{lessonId}/complete', {
        params: { path: { id: enrollment.id, lessonId: lesson.id } },
      }),
    );
    expect(completed.status).toBe('completed');

    const certificate = must(
      await as('student').POST('/api/v1/certificates/generate', {
        body: { enrollmentId: enrollment.id },
      }),
    );
    const verified = must(
      await as('anonymous').GET('/api/v1/certificates/verify/{certificateNumber}', {
        params: { path: { certificateNumber: certificate.certificateNumber } },
      }),
    );
    expect(verified).toEqual({
      valid: true,
      certificateNumber: certificate.certificateNumber,
      studentName: 'Ada',
      courseTitle: 'SDK Course',
      issuedAt: certificate.issuedAt,
      revokedAt: null,
    });
  });

  it('surfaces the error envelope with its code', async () => {
    const result = await createLmsClient({ baseUrl }).POST('/api/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'Wrong-pass-1' },
    });
    expect(result.response.status).toBe(401);
    expect(result.error?.error.code).toBe('INVALID_CREDENTIALS');
  });
});
