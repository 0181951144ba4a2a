import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { generateSync } from 'otplib';
import type { DomainEvent } from '../../src/infra/outbox/domain-event';
import { DomainEventDispatcher } from '../../src/infra/outbox/domain-event.dispatcher';
import { StorageBackend } from '../../src/infra/storage/storage.backend';
import { renderCertificatePdf } from '../../src/modules/certificates/certificate-pdf';
import { RerenderCertificatesProcessor } from '../../src/modules/certificates/jobs/rerender-certificates.processor';
import { BulkEnrollmentRunner } from '../../src/modules/imports/bulk-enrollment.runner';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { createCourse } from '../factories/courses.factory';
import { completeLessons, enroll } from '../factories/enrollments.factory';
import { createQuiz } from '../factories/quizzes.factory';
import { Azurite, startAzurite } from '../utils/azurite';
import { binaryParser } from '../utils/binary-parser';
import { API, Schemas } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pdfText } from '../utils/pdf';
import { createTestApp, TestApp } from '../utils/test-app';

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface RichStudent {
  user: TestUser;
  course: { id: string; title: string };
  fileId: string;
  storageKey: string;
  submissionId: string;
  attemptId: string;
  certificate: Schemas['CertificateResponse'];
  sealedMfaSecret: string;
}

/**
 * Personal data: the export (streamed JSON of every section) and the erasure (anonymised account,
 * files deleted from storage, sessions ended, grades kept, certificates without a name). Jobs are
 * not inline: certificates are issued when a test asks.
 */
describe('Personal data (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    admin = await createUser(t, 'admin');
    teacher = await createUser(t, 'instructor', { fullName: 'Grace Teacher' });
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const post = (user: TestUser, path: string, body: object = {}) =>
    t.http
      .post(`${API}${path}`)
      .set(...bearer(user))
      .send(body);

  const one = async <T>(sql: string, params: unknown[]): Promise<T> =>
    (await t.dataSource.query<T[]>(sql, params))[0];

  /** A student with a file, a graded submission, a quiz attempt, a certificate and MFA. */
  async function richStudent(fullName = 'Katherine Student'): Promise<RichStudent> {
    const user = await createUser(t, 'student', { fullName });
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const quiz = await createQuiz(t, teacher, course.id, {}, [
      { text: '2 + 2?', type: 'multiple_choice', options: ['3', '4'], correctAnswer: '4' },
    ]);
    const assignment = await post(teacher, `/courses/${course.id}/assignments`, {
      title: 'Report',
      submissionTypes: ['text', 'file'],
    });
    expect(assignment.status).toBe(201);
    const assignmentId = assignment.body.data.id as string;
    expect((await post(teacher, `/assignments/${assignmentId}/publish`)).status).toBe(200);
    const enrollment = await enroll(t, user, course.id);
    const review = await t.http
      .put(`${API}/courses/${course.id}/reviews/me`)
      .set(...bearer(user))
      .send({ rating: 4, comment: 'Clear lessons, said Katherine' });
    expect(review.status).toBe(200);

    const upload = await t.http
      .post(`${API}/files/upload`)
      .set(...bearer(user))
      .attach('file', PNG, { filename: 'me.png' });
    expect(upload.status).toBe(201);
    const fileId = upload.body.data.id as string;
    const { storage_key: storageKey } = await one<{ storage_key: string }>(
      'SELECT storage_key FROM files WHERE id = $1',
      [fileId],
    );

    const submission = await post(user, `/assignments/${assignmentId}/submissions`, {
      text: 'My private essay',
      fileIds: [fileId],
    });
    expect(submission.status).toBe(201);
    const submissionId = submission.body.data.id as string;
    expect((await post(teacher, `/submissions/${submissionId}/grade`, { score: 90 })).status).toBe(
      200,
    );

    const started = await post(user, `/quizzes/${quiz.id}/attempts`);
    expect(started.status).toBe(201);
    const attemptId = started.body.data.attempt.id as string;
    const submitted = await post(user, `/attempts/${attemptId}/submit`, {
      answers: [{ questionId: quiz.questions[0].id, answer: '4' }],
    });
    expect(submitted.status).toBe(200);

    await completeLessons(t, user, enrollment.id, course.lessonIds);
    const generated = await post(user, '/certificates/generate', { enrollmentId: enrollment.id });
    expect(generated.status).toBe(201);

    const patched = await t.http
      .patch(`${API}/users/me`)
      .set(...bearer(user))
      .send({ metadata: { phone: '+33 6 12 34 56 78' } });
    expect(patched.status).toBe(200);
    const setup = await post(user, '/auth/mfa/setup', { password: user.password });
    expect(setup.status).toBe(200);
    const code = generateSync({ secret: setup.body.data.secret as string });
    expect((await post(user, '/auth/mfa/enable', { code })).status).toBe(200);
    const { mfa_secret: sealedMfaSecret } = await one<{ mfa_secret: string }>(
      'SELECT mfa_secret FROM users WHERE id = $1',
      [user.id],
    );
    return {
      user,
      course: { id: course.id, title: course.title },
      fileId,
      storageKey,
      submissionId,
      attemptId,
      certificate: generated.body.data as Schemas['CertificateResponse'],
      sealedMfaSecret,
    };
  }

  /** Runs every consumer (webhooks, notifications...) of the student's events waiting in the outbox. */
  async function dispatchEventsOf(studentId: string, types: string[]): Promise<void> {
    const rows = await t.dataSource.query<Array<{ payload: DomainEvent }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = ANY($2::text[])
          AND (payload->'data'->>'studentId' = $1 OR payload->'data'->'student'->>'id' = $1)
        ORDER BY created_at`,
      [studentId, types],
    );
    expect(rows.length).toBeGreaterThanOrEqual(types.length);
    for (const row of rows) await t.app.get(DomainEventDispatcher).dispatch(row.payload);
  }

  const storedPath = (key: string) => join(t.env.DATA_DIR!, 'uploads', key);
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  describe('GET /users/me/export', () => {
    it('streams every section as a JSON attachment, without any secret', async () => {
      const rich = await richStudent();
      const credential = await t.http
        .get(`${API}/certificates/${rich.certificate.id}/credential`)
        .set(...bearer(rich.user));
      expect(credential.status).toBe(200);
      await dispatchEventsOf(rich.user.id, ['submission.graded']);
      const res = await t.http
        .get(`${API}/users/me/export`)
        .set(...bearer(rich.user))
        .buffer(true)
        .parse(binaryParser);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="personal-data-${rich.user.id}\\.json"`),
      );
      const raw = (res.body as Buffer).toString('utf8');
      const doc = JSON.parse(raw) as Record<string, unknown> & {
        profile: Record<string, unknown>;
        enrollments: Array<Record<string, unknown>>;
        quizAttempts: Array<Record<string, unknown>>;
        submissions: Array<Record<string, unknown>>;
        certificates: Array<Record<string, unknown>>;
        credentials: Array<Record<string, unknown>>;
        files: Array<Record<string, unknown>>;
        notifications: Array<Record<string, unknown>>;
        sessions: Array<Record<string, unknown>>;
        auditEvents: Array<Record<string, unknown>>;
        reviews: Array<Record<string, unknown>>;
      };
      expect(Object.keys(doc)).toEqual([
        'exportedAt',
        'userId',
        'profile',
        'auditEvents',
        'certificates',
        'credentials',
        'enrollments',
        'files',
        'notifications',
        'quizAttempts',
        'reviews',
        'sessions',
        'submissions',
      ]);
      expect(doc.userId).toBe(rich.user.id);
      expect(doc.profile).toMatchObject({
        id: rich.user.id,
        email: rich.user.email,
        fullName: 'Katherine Student',
        mfaEnabled: true,
        metadata: { phone: '+33 6 12 34 56 78' },
      });
      expect(doc.enrollments).toEqual([
        expect.objectContaining({
          status: 'completed',
          progressPercentage: 100,
          lessons: [expect.objectContaining({ completed: true })],
        }),
      ]);
      expect(doc.quizAttempts).toEqual([
        expect.objectContaining({
          id: rich.attemptId,
          answers: [expect.objectContaining({ answer: '4' })],
          score: 1,
          passed: true,
        }),
      ]);
      expect(doc.quizAttempts[0].results).toEqual([
        expect.not.objectContaining({ correctAnswer: expect.anything() }),
      ]);
      expect(doc.submissions).toEqual([
        expect.objectContaining({
          id: rich.submissionId,
          version: 1,
          text: 'My private essay',
          finalScore: 90,
          files: [expect.objectContaining({ id: rich.fileId, originalFilename: 'me.png' })],
        }),
      ]);
      expect(doc.certificates).toEqual([
        expect.objectContaining({
          certificateNumber: rich.certificate.certificateNumber,
          studentName: 'Katherine Student',
        }),
      ]);
      expect(doc.credentials).toEqual([
        {
          certificateId: rich.certificate.id,
          jwt: expect.any(String),
          issuedAt: expect.any(String),
        },
      ]);
      expect(doc.notifications).toEqual([
        expect.objectContaining({ type: 'submission.graded', resourceId: rich.submissionId }),
      ]);
      expect(doc.files).toEqual([
        expect.objectContaining({ id: rich.fileId, fileSize: PNG.length }),
      ]);
      expect(doc.reviews).toEqual([
        {
          id: expect.any(String),
          course: rich.course,
          rating: 4,
          comment: 'Clear lessons, said Katherine',
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ]);
      expect(doc.sessions.length).toBeGreaterThanOrEqual(1);
      expect(doc.sessions[0]).toEqual({
        id: expect.any(String),
        familyId: expect.any(String),
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        revokedAt: null,
        ip: expect.any(String),
        userAgent: null,
      });
      expect(doc.auditEvents).toEqual([
        expect.objectContaining({
          action: 'auth.mfa.enabled',
          resourceId: rich.user.id,
          ip: expect.any(String),
        }),
      ]);

      const { password_hash } = await one<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [rich.user.id],
      );
      const hashes = await t.dataSource.query<Array<{ token_hash: string }>>(
        'SELECT token_hash FROM refresh_tokens WHERE user_id = $1',
        [rich.user.id],
      );
      expect(hashes.length).toBeGreaterThan(0);
      for (const secret of [
        password_hash,
        rich.sealedMfaSecret,
        rich.user.refreshToken,
        rich.user.accessToken,
        rich.user.password,
        ...hashes.map((h) => h.token_hash),
      ]) {
        expect(raw).not.toContain(secret);
      }
      expect(raw).not.toMatch(/passwordHash|mfaSecret|tokenHash|storageKey|argon2/);
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http.get(`${API}/users/me/export`), 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /users/:id/erase (admin)', () => {
    let rich: RichStudent;
    let bystander: TestUser;
    let ratingBefore: { ratingAverage: number | null; ratingCount: number };
    /** A bulk enrollment job still queued (its rows kept) and a run one with a row error. */
    let queuedJobId: string;
    let failedRowJobId: string;
    beforeAll(async () => {
      rich = await richStudent('Ada Erasable');
      bystander = await createUser(t, 'student');
      const importCourse = await createCourse(t, teacher, { lessons: 1, publish: true });
      const bulk = async () => {
        const res = await post(teacher, `/courses/${importCourse.id}/enrollments/bulk`, {
          emails: [bystander.email, rich.user.email],
        });
        expect(res.status).toBe(202);
        return res.body.data.jobId as string;
      };
      queuedJobId = await bulk();
      // A deactivated account is a row error that records the email (reactivated after the run).
      failedRowJobId = await bulk();
      await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [rich.user.id]);
      await t.app.get(BulkEnrollmentRunner).run({ jobId: failedRowJobId });
      await t.dataSource.query('UPDATE users SET is_active = true WHERE id = $1', [rich.user.id]);
      const { errors } = await one<{ errors: unknown }>('SELECT errors FROM jobs WHERE id = $1', [
        failedRowJobId,
      ]);
      expect(errors).toEqual([
        { row: 2, email: rich.user.email, message: 'The account is deactivated' },
      ]);
      ratingBefore = (await t.http.get(`${API}/courses/${rich.course.id}`).expect(200)).body.data;
      expect(ratingBefore).toMatchObject({ ratingAverage: 4, ratingCount: 1 });
      expect(await exists(storedPath(rich.storageKey))).toBe(true);
      // A delivery of the certificate.issued event (with the name), as the dispatcher makes it.
      const hook = await post(admin, '/webhooks', {
        url: 'http://127.0.0.1:9/hook',
        events: ['certificate.issued'],
      });
      expect(hook.status).toBe(201);
      await dispatchEventsOf(rich.user.id, [
        'certificate.issued',
        'submission.graded',
        'assignment.submitted',
      ]);
      const told = await one<{ body: string }>(
        `SELECT body FROM notifications WHERE user_id = $1 AND resource_id = $2`,
        [teacher.id, rich.submissionId],
      );
      expect(told.body).toBe('Ada Erasable submitted version 1.');
      const { count } = await one<{ count: number }>(
        'SELECT count(*)::int AS count FROM notifications WHERE user_id = $1',
        [rich.user.id],
      );
      expect(count).toBeGreaterThan(0);
      const res = await post(admin, `/users/${rich.user.id}/erase`);
      expect(res.status).toBe(204);
    });

    it('anonymises and deactivates the account, and drops its MFA secret', async () => {
      const row = await one<Record<string, unknown>>(
        `SELECT email, full_name, metadata, is_active, mfa_enabled, mfa_secret, erased_at,
                password_hash FROM users WHERE id = $1`,
        [rich.user.id],
      );
      expect(row).toEqual({
        email: `erased-${rich.user.id}@invalid`,
        full_name: 'Erased user',
        metadata: {},
        is_active: false,
        mfa_enabled: false,
        mfa_secret: null,
        erased_at: expect.any(Date),
        password_hash: '!erased',
      });
      const shown = await t.http.get(`${API}/users/${rich.user.id}`).set(...bearer(admin));
      expect(shown.body.data).toMatchObject({
        email: `erased-${rich.user.id}@invalid`,
        fullName: 'Erased user',
        isActive: false,
        metadata: {},
      });
    });

    it('ends every session at once: access token, refresh token and password are refused', async () => {
      expectError(
        await t.http.get(`${API}/users/me`).set(...bearer(rich.user)),
        401,
        'INVALID_TOKEN',
      );
      const refresh = await t.http
        .post(`${API}/auth/refresh`)
        .send({ refreshToken: rich.user.refreshToken });
      expect(refresh.status).toBe(401);
      const login = await t.http
        .post(`${API}/auth/login`)
        .send({ email: rich.user.email, password: rich.user.password });
      expect(login.status).toBe(401);
      // The anonymised address is not even a valid login (`.invalid` is refused).
      const asErased = await t.http
        .post(`${API}/auth/login`)
        .send({ email: `erased-${rich.user.id}@invalid`, password: rich.user.password });
      expectValidationError(asErased, 'email');
      const { count } = await one<{ count: number }>(
        'SELECT count(*)::int AS count FROM refresh_tokens WHERE user_id = $1',
        [rich.user.id],
      );
      expect(count).toBe(0);
    });

    it('deletes the user’s notifications and unnames them in the instructor’s', async () => {
      const { count } = await one<{ count: number }>(
        'SELECT count(*)::int AS count FROM notifications WHERE user_id = $1',
        [rich.user.id],
      );
      expect(count).toBe(0);
      const told = await one<{ body: string }>(
        `SELECT body FROM notifications WHERE user_id = $1 AND resource_id = $2`,
        [teacher.id, rich.submissionId],
      );
      expect(told.body).toBe('A student submitted version 1.');
    });

    it('deletes the stored file and its row', async () => {
      expect(await exists(storedPath(rich.storageKey))).toBe(false);
      // ...and queued, in the erasure's transaction, the job that retries the deletion if the
      // attempt after the commit had failed: storage keys only.
      const { payload } = await one<{ payload: unknown }>(
        `SELECT payload FROM outbox_messages WHERE name = 'delete-stored-objects'
            AND payload->'keys' ? $1`,
        [rich.storageKey],
      );
      expect(payload).toEqual({ keys: [rich.storageKey] });
      const { count } = await one<{ count: number }>(
        'SELECT count(*)::int AS count FROM files WHERE uploaded_by_id = $1',
        [rich.user.id],
      );
      expect(count).toBe(0);
    });

    it('clears submission texts and keeps grades, attempts and enrollments', async () => {
      const submission = await one<Record<string, unknown>>(
        'SELECT text, final_score::float8 AS score, version FROM submissions WHERE id = $1',
        [rich.submissionId],
      );
      expect(submission).toEqual({ text: null, score: 90, version: 1 });
      // The course's instructor still reads the graded submission, without the text or the file.
      const shown = await t.http
        .get(`${API}/submissions/${rich.submissionId}`)
        .set(...bearer(teacher));
      expect(shown.status).toBe(200);
      expectMatchesOpenApi(shown, 'get', '/api/v1/submissions/{id}');
      expect(shown.body.data).toMatchObject({
        text: null,
        files: [],
        grade: { finalScore: 90 },
        student: { id: rich.user.id, fullName: 'Erased user' },
      });
      const attempt = await one<Record<string, unknown>>(
        'SELECT score, passed FROM quiz_attempts WHERE id = $1',
        [rich.attemptId],
      );
      expect(attempt).toEqual({ score: 1, passed: true });
      const { status } = await one<{ status: string }>(
        'SELECT status FROM enrollments WHERE student_id = $1',
        [rich.user.id],
      );
      expect(status).toBe('completed');
    });

    it('keeps the certificate number; verification and the PDF name no one', async () => {
      const number = rich.certificate.certificateNumber;
      const verify = await t.http.get(`${API}/certificates/verify/${number}`).expect(200);
      expectMatchesOpenApi(verify, 'get', '/api/v1/certificates/verify/{certificateNumber}');
      expect(verify.body.data).toMatchObject({
        valid: true,
        certificateNumber: number,
        studentName: null,
      });
      const pdf = await t.http
        .get(`${API}/certificates/${rich.certificate.id}/download`)
        .set(...bearer(admin))
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      const text = await pdfText(pdf.body as Buffer);
      expect(text).toContain(number);
      expect(text).not.toContain('Ada Erasable');
      expect(text).not.toContain('Erasable');
    });

    it('queues the PDF re-rendering with the erasure, and that job replaces a PDF still naming the student', async () => {
      const id = rich.certificate.id;
      // Written in the erasure's transaction: certificate ids only.
      const { payload } = await one<{ payload: { certificateIds: string[] } }>(
        `SELECT payload FROM outbox_messages WHERE name = 'rerender-certificates'
            AND payload->'certificateIds' ? $1`,
        [id],
      );
      expect(payload).toEqual({ certificateIds: [id] });
      const download = async () =>
        pdfText(
          (
            await t.http
              .get(`${API}/certificates/${id}/download`)
              .set(...bearer(admin))
              .buffer(true)
              .parse(binaryParser)
              .expect(200)
          ).body as Buffer,
        );
      // As if the attempt right after the commit had failed: the stored PDF still names them.
      const { storage_key: key } = await one<{ storage_key: string }>(
        'SELECT storage_key FROM certificates WHERE id = $1',
        [id],
      );
      const stale = await renderCertificatePdf({
        courseTitle: 'Course',
        studentName: 'Ada Erasable',
        instructorName: 'Teacher',
        completedAt: new Date(),
        certificateNumber: rich.certificate.certificateNumber,
        verificationUrl: 'http://127.0.0.1/verify',
      });
      await t.app
        .get(StorageBackend)
        .put(key, Readable.from([Buffer.from(stale)]), 'application/pdf');
      expect(await download()).toContain('Ada Erasable');

      await t.app.get(RerenderCertificatesProcessor).rerender(payload);
      const text = await download();
      expect(text).toContain(rich.certificate.certificateNumber);
      expect(text).not.toContain('Erasable');
    });

    it('writes one user.erased audit event and one webhook event with data {id} only', async () => {
      const events = await t.http
        .get(`${API}/audit-events`)
        .query({ resourceId: rich.user.id, action: 'user.erased' })
        .set(...bearer(admin));
      expect(events.body.data).toEqual([
        expect.objectContaining({ actor: { id: admin.id, role: 'admin' }, changes: {} }),
      ]);
      const outbox = await t.dataSource.query<Array<{ data: unknown }>>(
        `SELECT payload->'data' AS data FROM outbox_messages
          WHERE name = 'domain-event' AND payload->>'type' = 'user.erased'
            AND payload->'data'->>'id' = $1`,
        [rich.user.id],
      );
      expect(outbox).toEqual([{ data: { id: rich.user.id } }]);
    });

    it('clears the review comments but keeps the ratings and the course totals', async () => {
      const rows = await t.dataSource.query<Array<{ rating: number; comment: string | null }>>(
        'SELECT rating, comment FROM course_reviews WHERE student_id = $1',
        [rich.user.id],
      );
      expect(rows).toEqual([{ rating: 4, comment: null }]);
      const course = (await t.http.get(`${API}/courses/${rich.course.id}`).expect(200)).body.data;
      expect(course).toMatchObject({
        ratingAverage: ratingBefore.ratingAverage,
        ratingCount: ratingBefore.ratingCount,
      });
      const list = await t.http.get(`${API}/courses/${rich.course.id}/reviews`).expect(200);
      expect(list.body.data).toEqual([
        expect.objectContaining({
          rating: 4,
          comment: null,
          author: { id: rich.user.id, fullName: 'Erased user' },
        }),
      ]);
    });

    it('replaces the user’s email in import rows and job row errors, and no one else’s', async () => {
      const erased = `erased-${rich.user.id}@invalid`;
      const rows = await t.dataSource.query<Array<{ email: string }>>(
        'SELECT email FROM job_rows WHERE job_id = $1 ORDER BY row',
        [queuedJobId],
      );
      expect(rows).toEqual([{ email: bystander.email }, { email: erased }]);
      const { errors } = await one<{ errors: unknown }>('SELECT errors FROM jobs WHERE id = $1', [
        failedRowJobId,
      ]);
      expect(errors).toEqual([{ row: 2, email: erased, message: 'The account is deactivated' }]);
      const job = await t.http.get(`${API}/jobs/${failedRowJobId}`).set(...bearer(teacher));
      expect(job.status).toBe(200);
      expect(JSON.stringify(job.body)).not.toContain(rich.user.email);
      const { n } = await one<{ n: number }>(
        `SELECT count(*)::int AS n FROM job_rows WHERE email = $1`,
        [rich.user.email],
      );
      expect(n).toBe(0);
    });

    it('reduces the logged webhook deliveries about the user to the resource id', async () => {
      const rows = await t.dataSource.query<Array<{ payload: { data: unknown } }>>(
        `SELECT payload FROM webhook_deliveries WHERE event_type = 'certificate.issued'
            AND payload->'data'->>'id' = $1`,
        [rich.certificate.id],
      );
      expect(rows.map((row) => row.payload.data)).toEqual([
        { id: rich.certificate.id, erased: true },
      ]);
    });

    it('keeps the audit trail but without the user’s IPs or the email recorded about them', async () => {
      const rows = await t.dataSource.query<Array<{ ip: string | null; changes: object }>>(
        `SELECT ip, changes FROM audit_events
          WHERE actor_id = $1 OR (resource_type = 'user' AND resource_id = $1)`,
        [rich.user.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      const own = await t.dataSource.query<Array<{ ip: string | null }>>(
        'SELECT ip FROM audit_events WHERE actor_id = $1',
        [rich.user.id],
      );
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((row) => row.ip === null)).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(rich.user.email);
    });

    it('is idempotent: a second erasure answers 204, changes nothing and writes no event', async () => {
      const before = await one<{ updated_at: Date }>('SELECT updated_at FROM users WHERE id = $1', [
        rich.user.id,
      ]);
      const again = await post(admin, `/users/${rich.user.id}/erase`);
      expect(again.status).toBe(204);
      const after = await one<{ updated_at: Date }>('SELECT updated_at FROM users WHERE id = $1', [
        rich.user.id,
      ]);
      expect(after.updated_at).toEqual(before.updated_at);
      const { audit, outbox } = await one<{ audit: number; outbox: number }>(
        `SELECT (SELECT count(*)::int FROM audit_events
                  WHERE action = 'user.erased' AND resource_id = $1) AS audit,
                (SELECT count(*)::int FROM outbox_messages
                  WHERE payload->>'type' = 'user.erased' AND payload->'data'->>'id' = $1::text) AS outbox`,
        [rich.user.id],
      );
      expect({ audit, outbox }).toEqual({ audit: 1, outbox: 1 });
    });
  });

  it('a certificate issued after the erasure (a queued issue) names no one', async () => {
    const student = await createUser(t, 'student', { fullName: 'Late Certificate' });
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const enrollment = await enroll(t, student, course.id);
    await completeLessons(t, student, enrollment.id, course.lessonIds);
    expect((await post(admin, `/users/${student.id}/erase`)).status).toBe(204);
    const issued = await post(admin, '/certificates/generate', { enrollmentId: enrollment.id });
    expect(issued.status).toBe(201);
    expectMatchesOpenApi(issued, 'post', '/api/v1/certificates/generate');
    const certificate = issued.body.data as Schemas['CertificateResponse'];
    expect(certificate.studentName).toBeNull();
    const pdf = await t.http
      .get(`${API}/certificates/${certificate.id}/download`)
      .set(...bearer(admin))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain(certificate.certificateNumber);
    expect(text).not.toMatch(/Late Certificate|Erased user/);
  });

  describe('access', () => {
    it('is for admins: students and instructors get 403 and change nothing', async () => {
      const target = await createUser(t, 'student');
      const student = await createUser(t, 'student');
      expectError(await post(student, `/users/${target.id}/erase`), 403, 'FORBIDDEN');
      expectError(await post(teacher, `/users/${target.id}/erase`), 403, 'FORBIDDEN');
      const { erased_at } = await one<{ erased_at: Date | null }>(
        'SELECT erased_at FROM users WHERE id = $1',
        [target.id],
      );
      expect(erased_at).toBeNull();
      expectError(await t.http.post(`${API}/users/${target.id}/erase`), 401, 'UNAUTHORIZED');
    });

    it('answers 404 for an unknown id, 422 for a malformed one, 403 for the admin’s own id', async () => {
      expectError(
        await post(admin, '/users/00000000-0000-4000-8000-000000000000/erase'),
        404,
        'NOT_FOUND',
      );
      expectValidationError(await post(admin, '/users/not-a-uuid/erase'));
      expectError(await post(admin, `/users/${admin.id}/erase`), 403, 'FORBIDDEN');
    });

    it('6 parallel erasures of one user: all 204, one event', async () => {
      const target = await createUser(t, 'student');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => post(admin, `/users/${target.id}/erase`)),
      );
      expect(results.map((r) => r.status)).toEqual([204, 204, 204, 204, 204, 204]);
      const { count } = await one<{ count: number }>(
        `SELECT count(*)::int AS count FROM audit_events
          WHERE action = 'user.erased' AND resource_id = $1`,
        [target.id],
      );
      expect(count).toBe(1);
    });
  });

  describe('POST /users/me/erase', () => {
    it('refuses a wrong password (401 WRONG_PASSWORD) and changes nothing', async () => {
      const user = await createUser(t, 'student');
      const res = await post(user, '/users/me/erase', { password: 'not-my-password' });
      expectError(res, 401, 'WRONG_PASSWORD');
      expectMatchesOpenApi(res, 'post', '/api/v1/users/me/erase');
      expect((await t.http.get(`${API}/users/me`).set(...bearer(user))).status).toBe(200);
      expectValidationError(await post(user, '/users/me/erase', {}), 'password');
    });

    it('counts wrong passwords like logins: after 5, even the right one is 423 and nothing is erased', async () => {
      const user = await createUser(t, 'student');
      const wrong = await Promise.all(
        Array.from({ length: 5 }, () => post(user, '/users/me/erase', { password: 'wrong-one' })),
      );
      expect(wrong.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
      const locked = await post(user, '/users/me/erase', { password: user.password });
      expectError(locked, 423, 'ACCOUNT_LOCKED');
      expect(locked.headers['retry-after']).toMatch(/^\d+$/);
      const login = await t.http
        .post(`${API}/auth/login`)
        .send({ email: user.email, password: user.password });
      expect(login.status).toBe(423);
      const { erased_at } = await one<{ erased_at: Date | null }>(
        'SELECT erased_at FROM users WHERE id = $1',
        [user.id],
      );
      expect(erased_at).toBeNull();
    });

    it('erases the caller with the right password; the token is dead right after', async () => {
      const rich = await richStudent('Self Eraser');
      const res = await post(rich.user, '/users/me/erase', { password: rich.user.password });
      expect(res.status).toBe(204);
      expectError(
        await t.http.get(`${API}/users/me`).set(...bearer(rich.user)),
        401,
        'INVALID_TOKEN',
      );
      expect(await exists(storedPath(rich.storageKey))).toBe(false);
      const verify = await t.http
        .get(`${API}/certificates/verify/${rich.certificate.certificateNumber}`)
        .expect(200);
      expect(verify.body.data.studentName).toBeNull();
      const [event] = await t.dataSource.query<Array<{ actor_id: string; ip: string | null }>>(
        `SELECT actor_id, ip FROM audit_events WHERE action = 'user.erased' AND resource_id = $1`,
        [rich.user.id],
      );
      // Acted by the user, so the event's IP is erased with the rest.
      expect(event).toEqual({ actor_id: rich.user.id, ip: null });
    });
  });
});

/** The last active admin, in an app of its own where the test knows every admin. */
describe('Personal data: the last active admin (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'false' });
  });
  afterAll(() => t?.close());

  const eraseMe = (user: TestUser) =>
    t.http
      .post(`${API}/users/me/erase`)
      .set(...bearer(user))
      .send({ password: user.password });

  async function onlyAdmins(...admins: TestUser[]): Promise<void> {
    await t.dataSource.query(
      `UPDATE users SET is_active = false WHERE role = 'admin' AND NOT (id = ANY($1::uuid[]))`,
      [admins.map((a) => a.id)],
    );
  }

  const activeAdmins = async () =>
    (
      await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM users WHERE role = 'admin' AND is_active`,
      )
    )[0].count;

  it('refuses to erase the last active admin (409 LAST_ACTIVE_ADMIN), by id or by itself', async () => {
    const first = await createUser(t, 'admin');
    const second = await createUser(t, 'admin');
    await onlyAdmins(first, second);
    const erased = await t.http
      .post(`${API}/users/${second.id}/erase`)
      .set(...bearer(first))
      .send({});
    expect(erased.status).toBe(204);
    const refused = await eraseMe(first);
    expectError(refused, 409, 'LAST_ACTIVE_ADMIN');
    expectMatchesOpenApi(refused, 'post', '/api/v1/users/me/erase');
    expect(await activeAdmins()).toBe(1);
    expect((await t.http.get(`${API}/users/me`).set(...bearer(first))).status).toBe(200);
  });

  it('parallel erasures of the last two admins leave one: one 204, one 409', async () => {
    const first = await createUser(t, 'admin');
    const second = await createUser(t, 'admin');
    await onlyAdmins(first, second);
    const results = await Promise.all([eraseMe(first), eraseMe(second)]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    expectError(
      results.find((r) => r.status === 409)!,
      409,
      'LAST_ACTIVE_ADMIN',
    );
    expect(await activeAdmins()).toBe(1);
  });

  it('parallel cross erasures of the last two admins leave one', async () => {
    const first = await createUser(t, 'admin');
    const second = await createUser(t, 'admin');
    await onlyAdmins(first, second);
    const results = await Promise.all([
      t.http
        .post(`${API}/users/${second.id}/erase`)
        .set(...bearer(first))
        .send({}),
      t.http
        .post(`${API}/users/${first.id}/erase`)
        .set(...bearer(second))
        .send({}),
    ]);
    // The second to run is refused: either as the last admin (409) or because its caller was
    // erased meanwhile (401).
    expect(results.map((r) => r.status).filter((s) => s === 204)).toHaveLength(1);
    expect(results.every((r) => r.status < 500)).toBe(true);
    expect(await activeAdmins()).toBe(1);
  });
});

/** The erasure deletes stored files whatever the backend: here Azure Blob Storage (Azurite). */
describe('Personal data: erasure on Azure Blob Storage (e2e, Azurite)', () => {
  let azurite: Azurite;
  let t: TestApp;
  let container: ContainerClient;
  const containerName = `lms-erase-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      containerName,
    );
    t = await createTestApp({
      JOBS_INLINE: 'false',
      STORAGE_PROVIDER: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: containerName,
    });
  });
  afterAll(async () => {
    try {
      await container?.deleteIfExists();
      await t?.close();
    } finally {
      await azurite?.stop();
      if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
    }
  });

  it('deletes the user’s blobs and keeps everyone else’s', async () => {
    const admin = await createUser(t, 'admin');
    const [erased, kept] = [await createUser(t, 'student'), await createUser(t, 'student')];
    const keys: Record<string, string> = {};
    for (const user of [erased, kept]) {
      const upload = await t.http
        .post(`${API}/files/upload`)
        .set(...bearer(user))
        .attach('file', PNG, { filename: 'me.png' });
      expect(upload.status).toBe(201);
      const [{ storage_key }] = await t.dataSource.query<Array<{ storage_key: string }>>(
        'SELECT storage_key FROM files WHERE id = $1',
        [upload.body.data.id],
      );
      keys[user.id] = storage_key;
    }
    expect(await container.getBlobClient(keys[erased.id]).exists()).toBe(true);
    const res = await t.http
      .post(`${API}/users/${erased.id}/erase`)
      .set(...bearer(admin))
      .send({});
    expect(res.status).toBe(204);
    expect(await container.getBlobClient(keys[erased.id]).exists()).toBe(false);
    expect(await container.getBlobClient(keys[kept.id]).exists()).toBe(true);
  });
});
