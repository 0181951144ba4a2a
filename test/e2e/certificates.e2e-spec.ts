import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { JobQueue } from '../../src/infra/queue/job-queue';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { completeLessons, enroll as enrollIn } from '../factories/enrollments.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';
import { binaryParser } from '../utils/binary-parser';
import { API, body, CertificateBody } from '../utils/contract';
import { pdfText } from '../utils/pdf';
import { expectExactError } from '../utils/expectations';

const PUBLIC_URL = 'https://lms.example.test';
const NUMBER = /^CERT-(\d{8})-[0-9A-HJKMNP-TV-Z]{10}$/;

type Course = TestCourse & { lessonIds: string[] };

async function countRows(t: TestApp, sql: string, params: unknown[]): Promise<number> {
  const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(sql, params);
  return count;
}

const certificateRows = (t: TestApp, enrollmentId: string) =>
  countRows(t, 'SELECT count(*)::int AS count FROM certificates WHERE enrollment_id = $1', [
    enrollmentId,
  ]);

const issuedEvents = (t: TestApp, certificateId: string) =>
  countRows(
    t,
    `SELECT count(*)::int AS count FROM outbox_messages
      WHERE name = 'domain-event' AND payload->>'type' = 'certificate.issued'
        AND payload->'data'->>'id' = $1`,
    [certificateId],
  );

/** Every outbox row relayed and every job finished: nothing can still write or read. */
async function jobsSettled(t: TestApp): Promise<void> {
  await pollUntil(
    async () => {
      const unsent = await countRows(
        t,
        'SELECT count(*)::int AS count FROM outbox_messages WHERE sent_at IS NULL',
        [],
      );
      if (unsent > 0) return false;
      const depths = await t.app.get(JobQueue).depths();
      return depths.every((d) => d.waiting + d.active + d.delayed === 0);
    },
    { timeoutMs: 15_000, what: 'every job done' },
  );
}

/** Course set-up and progress over HTTP, shared by both apps. */
function helpers(t: () => TestApp) {
  async function enroll(student: TestUser, course: Course): Promise<string> {
    return (await enrollIn(t(), student, course.id)).id;
  }

  async function completeAll(student: TestUser, enrollmentId: string, course: Course) {
    const last = await completeLessons(t(), student, enrollmentId, course.lessonIds);
    expect(last?.status).toBe('completed');
  }

  async function completedEnrollment(student: TestUser, course: Course): Promise<string> {
    const enrollmentId = await enroll(student, course);
    await completeAll(student, enrollmentId, course);
    return enrollmentId;
  }

  return { enroll, completeAll, completedEnrollment };
}

/**
 * JOBS_INLINE=false and no worker: completing a course only writes the `issue-certificate` job to
 * the outbox, so each test decides when (and how) the certificate is issued.
 */
describe('Certificates (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let course: Course;
  const { enroll, completedEnrollment } = helpers(() => t);

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'false', APP_PUBLIC_URL: PUBLIC_URL });
    if (!t.env.REDIS_URL) throw new Error('this suite needs Redis (TEST_REDIS_URL or :6379)');
    admin = await createUser(t, 'admin');
    teacher = await createUser(t, 'instructor', { fullName: 'Grace Hopper' });
    course = await createCourse(t, teacher, {
      title: `Compilers ${randomUUID().slice(0, 8)}`,
      lessons: 2,
      publish: true,
    });
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const generate = (user: TestUser, enrollmentId: string) =>
    t.http
      .post(`${API}/certificates/generate`)
      .set(...bearer(user))
      .send({ enrollmentId });

  async function issued(student: TestUser, enrollmentId: string): Promise<CertificateBody> {
    const res = await generate(student, enrollmentId).expect(201);
    return body<CertificateBody>(res);
  }

  describe('POST /certificates/generate', () => {
    it('answers 422 ENROLLMENT_NOT_COMPLETED for an active enrollment', async () => {
      const student = await createUser(t, 'student');
      const enrollmentId = await enroll(student, course);
      await t.http
        .post(`${API}/enrollments/${enrollmentId}/lessons/${course.lessonIds[0]}/complete`)
        .set(...bearer(student))
        .expect(200);
      const res = await generate(student, enrollmentId);
      expectExactError(res, 422, 'ENROLLMENT_NOT_COMPLETED');
      expectMatchesOpenApi(res, 'post', '/api/v1/certificates/generate');
      expect(res.body.error.details).toEqual([
        { field: 'enrollmentId', message: expect.any(String) },
      ]);
      expect(await certificateRows(t, enrollmentId)).toBe(0);
    });

    it('issues with 201, then answers 200 with the same certificate; one row, one event', async () => {
      const student = await createUser(t, 'student', { fullName: 'Ada Lovelace' });
      const enrollmentId = await completedEnrollment(student, course);
      const first = await generate(student, enrollmentId);
      expect(first.status).toBe(201);
      expectMatchesOpenApi(first, 'post', '/api/v1/certificates/generate');
      const certificate = body<CertificateBody>(first);
      expect(certificate).toEqual({
        id: expect.any(String),
        certificateNumber: expect.stringMatching(NUMBER),
        enrollmentId,
        courseId: course.id,
        studentId: student.id,
        courseTitle: course.title,
        studentName: 'Ada Lovelace',
        issuedAt: expect.any(String),
        revokedAt: null,
      });
      // CERT-YYYYMMDD-...: the UTC date it was issued.
      const day = NUMBER.exec(certificate.certificateNumber)![1];
      expect(day).toBe(certificate.issuedAt.slice(0, 10).replace(/-/g, ''));

      const again = await generate(student, enrollmentId);
      expect(again.status).toBe(200);
      expectMatchesOpenApi(again, 'post', '/api/v1/certificates/generate');
      expect(again.body.data).toEqual(certificate);
      expect(await certificateRows(t, enrollmentId)).toBe(1);
      expect(await issuedEvents(t, certificate.id)).toBe(1);
    });

    it('answers 403 to another student and to the course instructor', async () => {
      const student = await createUser(t, 'student');
      const other = await createUser(t, 'student');
      const enrollmentId = await completedEnrollment(student, course);
      const asOther = await generate(other, enrollmentId);
      expectExactError(asOther, 403, 'FORBIDDEN');
      expectMatchesOpenApi(asOther, 'post', '/api/v1/certificates/generate');
      expectExactError(await generate(teacher, enrollmentId), 403, 'FORBIDDEN');
      expect(await certificateRows(t, enrollmentId)).toBe(0);
    });

    it('lets an admin issue the certificate of any completed enrollment, for its student', async () => {
      const student = await createUser(t, 'student', { fullName: 'Alan Turing' });
      const enrollmentId = await completedEnrollment(student, course);
      const res = await generate(admin, enrollmentId).expect(201);
      expect(res.body.data).toMatchObject({ studentId: student.id, studentName: 'Alan Turing' });
      const mine = await t.http
        .get(`${API}/certificates/my-certificates`)
        .set(...bearer(student))
        .expect(200);
      expect(body<CertificateBody[]>(mine).map((c) => c.id)).toEqual([res.body.data.id]);
      const again = await generate(admin, enrollmentId).expect(200);
      expect(again.body.data.id).toBe(res.body.data.id);
    });

    it('answers 404 for an unknown enrollment, 422 for a bad body, 401 without a token', async () => {
      const student = await createUser(t, 'student');
      const unknown = await generate(student, randomUUID());
      expectExactError(unknown, 404, 'NOT_FOUND');
      expectMatchesOpenApi(unknown, 'post', '/api/v1/certificates/generate');
      expectExactError(await generate(student, 'not-a-uuid'), 422, 'VALIDATION_ERROR');
      const extra = await t.http
        .post(`${API}/certificates/generate`)
        .set(...bearer(student))
        .send({ enrollmentId: randomUUID(), studentId: student.id });
      expectExactError(extra, 422, 'VALIDATION_ERROR');
      const anonymous = await t.http
        .post(`${API}/certificates/generate`)
        .send({ enrollmentId: randomUUID() });
      expectExactError(anonymous, 401, 'UNAUTHORIZED');
    });

    it('issues one certificate when the job runs twice at once, and the loser keeps no PDF', async () => {
      const student = await createUser(t, 'student');
      const enrollmentId = await completedEnrollment(student, course);
      const service = t.app.get(CertificatesService);
      const outcomes = await Promise.all([
        service.issue(enrollmentId),
        service.issue(enrollmentId),
      ]);
      expect(outcomes.map((o) => o.created).sort()).toEqual([false, true]);
      expect(outcomes[0].certificate.id).toBe(outcomes[1].certificate.id);
      const id = outcomes[0].certificate.id;
      expect(await certificateRows(t, enrollmentId)).toBe(1);
      expect(await issuedEvents(t, id)).toBe(1);

      // Exactly one stored PDF per certificate row: the losing run removed its copy.
      const pdfs = await readdir(join(t.env.DATA_DIR!, 'uploads', 'certificates'));
      const rows = await t.dataSource.query<Array<{ storage_key: string }>>(
        'SELECT storage_key FROM certificates',
      );
      expect(pdfs.map((name) => `certificates/${name}`).sort()).toEqual(
        rows.map((row) => row.storage_key).sort(),
      );
      expect(pdfs).toContain(`${id}.pdf`);
    });

    it('answers 201 to one and 200 to the other of two simultaneous requests', async () => {
      const student = await createUser(t, 'student');
      const enrollmentId = await completedEnrollment(student, course);
      const [a, b] = await Promise.all([
        generate(student, enrollmentId),
        generate(student, enrollmentId),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 201]);
      expect(a.body.data.id).toBe(b.body.data.id);
      expect(await certificateRows(t, enrollmentId)).toBe(1);
      expect(await issuedEvents(t, a.body.data.id as string)).toBe(1);
    });
  });

  describe('reading certificates', () => {
    let student: TestUser;
    let other: TestUser;
    let certificate: CertificateBody;
    let ownIds: string[];

    beforeAll(async () => {
      student = await createUser(t, 'student', { fullName: 'Katherine Johnson' });
      other = await createUser(t, 'student');
      ownIds = [];
      for (let i = 0; i < 3; i++) {
        const extra =
          i === 0 ? course : await createCourse(t, teacher, { lessons: 1, publish: true });
        const cert = await issued(student, await completedEnrollment(student, extra));
        ownIds.push(cert.id);
        if (i === 0) certificate = cert;
      }
      await issued(other, await completedEnrollment(other, course));
    });

    it('lists only the caller’s certificates, newest first, with pagination meta', async () => {
      const first = await t.http
        .get(`${API}/certificates/my-certificates?pageSize=2`)
        .set(...bearer(student))
        .expect(200);
      expectMatchesOpenApi(first, 'get', '/api/v1/certificates/my-certificates');
      expect(first.body.meta).toEqual({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
      const second = await t.http
        .get(`${API}/certificates/my-certificates?pageSize=2&page=2`)
        .set(...bearer(student))
        .expect(200);
      expect(second.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
      const all = [...first.body.data, ...second.body.data] as CertificateBody[];
      expect(all.map((c) => c.id).sort()).toEqual([...ownIds].sort());
      expect(all.every((c) => c.studentId === student.id)).toBe(true);
      const times = all.map((c) => Date.parse(c.issuedAt));
      expect(times).toEqual([...times].sort((x, y) => y - x));

      const none = await t.http
        .get(`${API}/certificates/my-certificates`)
        .set(...bearer(teacher))
        .expect(200);
      expect(none.body).toMatchObject({ data: [], meta: { total: 0 } });
      expectExactError(
        await t.http.get(`${API}/certificates/my-certificates?pageSize=0`).set(...bearer(student)),
        422,
        'VALIDATION_ERROR',
      );
    });

    it('shows a certificate to its student and admins, 404 to others', async () => {
      const own = await t.http
        .get(`${API}/certificates/${certificate.id}`)
        .set(...bearer(student))
        .expect(200);
      expectMatchesOpenApi(own, 'get', '/api/v1/certificates/{id}');
      expect(own.body.data).toEqual(certificate);
      const asAdmin = await t.http
        .get(`${API}/certificates/${certificate.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(asAdmin.body.data).toEqual(certificate);
      const asOther = await t.http
        .get(`${API}/certificates/${certificate.id}`)
        .set(...bearer(other));
      expectExactError(asOther, 404, 'NOT_FOUND');
      expectMatchesOpenApi(asOther, 'get', '/api/v1/certificates/{id}');
      expectExactError(
        await t.http.get(`${API}/certificates/${certificate.id}`).set(...bearer(teacher)),
        404,
        'NOT_FOUND',
      );
      expectExactError(
        await t.http.get(`${API}/certificates/${randomUUID()}`).set(...bearer(admin)),
        404,
        'NOT_FOUND',
      );
      expectExactError(
        await t.http.get(`${API}/certificates/not-a-uuid`).set(...bearer(admin)),
        422,
        'VALIDATION_ERROR',
      );
      expectExactError(
        await t.http.get(`${API}/certificates/${certificate.id}`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('downloads a PDF stating course, student, instructor, date, number and verification URL', async () => {
      const res = await t.http
        .get(`${API}/certificates/${certificate.id}/download`)
        .set(...bearer(student))
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="certificate-${certificate.certificateNumber}.pdf"; ` +
          `filename*=UTF-8''certificate-${certificate.certificateNumber}.pdf`,
      );
      const bytes = res.body as Buffer;
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = await pdfText(bytes);
      expect(text).toContain(certificate.certificateNumber);
      expect(text).toContain('Katherine Johnson');
      expect(text).toContain(course.title);
      expect(text).toContain('Grace Hopper');
      const [{ completed_at }] = await t.dataSource.query<Array<{ completed_at: Date }>>(
        'SELECT completed_at FROM certificates WHERE id = $1',
        [certificate.id],
      );
      expect(text).toContain(`Completed on ${completed_at.toISOString().slice(0, 10)}`);
      expect(text).toContain(
        `${PUBLIC_URL}/api/v1/certificates/verify/${certificate.certificateNumber}`,
      );
    });

    it('lets admins download the PDF and answers 404 to others', async () => {
      const res = await t.http
        .get(`${API}/certificates/${certificate.id}/download`)
        .set(...bearer(admin))
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      expect((res.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const denied = await t.http
        .get(`${API}/certificates/${certificate.id}/download`)
        .set(...bearer(other));
      expectExactError(denied, 404, 'NOT_FOUND');
      expectMatchesOpenApi(denied, 'get', '/api/v1/certificates/{id}/download');
      expectExactError(
        await t.http.get(`${API}/certificates/${certificate.id}/download`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('verifies publicly with only what the certificate states (no ids, no email)', async () => {
      const res = await t.http
        .get(`${API}/certificates/verify/${certificate.certificateNumber}`)
        .expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/certificates/verify/{certificateNumber}');
      expect(res.body.data).toEqual({
        valid: true,
        certificateNumber: certificate.certificateNumber,
        studentName: 'Katherine Johnson',
        courseTitle: course.title,
        issuedAt: certificate.issuedAt,
        revokedAt: null,
      });
      const raw = JSON.stringify(res.body);
      for (const secret of [student.email, student.id, certificate.id, course.id]) {
        expect(raw).not.toContain(secret);
      }
    });

    it('finds a number typed in lower case and answers 404 for an unknown one', async () => {
      const lower = await t.http
        .get(`${API}/certificates/verify/${certificate.certificateNumber.toLowerCase()}`)
        .expect(200);
      expect(lower.body.data.certificateNumber).toBe(certificate.certificateNumber);
      const unknown = await t.http.get(`${API}/certificates/verify/CERT-20000101-0000000000`);
      expectExactError(unknown, 404, 'NOT_FOUND');
      expectMatchesOpenApi(unknown, 'get', '/api/v1/certificates/verify/{certificateNumber}');
      expectExactError(await t.http.get(`${API}/certificates/verify/garbage`), 404, 'NOT_FOUND');
    });
  });

  describe('POST /certificates/:id/revoke', () => {
    it('is refused to students (even the owner) and instructors with 403', async () => {
      const student = await createUser(t, 'student');
      const cert = await issued(student, await completedEnrollment(student, course));
      for (const user of [student, teacher]) {
        const res = await t.http.post(`${API}/certificates/${cert.id}/revoke`).set(...bearer(user));
        expectExactError(res, 403, 'FORBIDDEN');
        expectMatchesOpenApi(res, 'post', '/api/v1/certificates/{id}/revoke');
      }
      const verify = await t.http
        .get(`${API}/certificates/verify/${cert.certificateNumber}`)
        .expect(200);
      expect(verify.body.data.valid).toBe(true);
    });

    it('lets an admin revoke; verification then answers valid:false with revokedAt', async () => {
      const student = await createUser(t, 'student');
      const cert = await issued(student, await completedEnrollment(student, course));
      const res = await t.http
        .post(`${API}/certificates/${cert.id}/revoke`)
        .set(...bearer(admin))
        .expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/certificates/{id}/revoke');
      const revokedAt = res.body.data.revokedAt as string;
      expect(res.body.data).toEqual({ ...cert, revokedAt: expect.any(String) });
      expect(Math.abs(Date.parse(revokedAt) - Date.now())).toBeLessThan(60_000);

      const verify = await t.http
        .get(`${API}/certificates/verify/${cert.certificateNumber}`)
        .expect(200);
      expect(verify.body.data).toMatchObject({ valid: false, revokedAt });
      const own = await t.http
        .get(`${API}/certificates/${cert.id}`)
        .set(...bearer(student))
        .expect(200);
      expect(own.body.data.revokedAt).toBe(revokedAt);

      // Revoking again keeps the first revocation time.
      const again = await t.http
        .post(`${API}/certificates/${cert.id}/revoke`)
        .set(...bearer(admin))
        .expect(200);
      expect(again.body.data.revokedAt).toBe(revokedAt);
    });

    it('revokes once under six parallel revocations: one revokedAt for all', async () => {
      const student = await createUser(t, 'student');
      const cert = await issued(student, await completedEnrollment(student, course));
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http.post(`${API}/certificates/${cert.id}/revoke`).set(...bearer(admin)),
        ),
      );
      expect(responses.map((res) => res.status)).toEqual(Array(6).fill(200));
      const revokedAt = new Set(responses.map((res) => res.body.data.revokedAt as string));
      expect(revokedAt.size).toBe(1);
    });

    it('answers 404 for an unknown certificate and 422 for a bad id', async () => {
      expectExactError(
        await t.http.post(`${API}/certificates/${randomUUID()}/revoke`).set(...bearer(admin)),
        404,
        'NOT_FOUND',
      );
      expectExactError(
        await t.http.post(`${API}/certificates/nope/revoke`).set(...bearer(admin)),
        422,
        'VALIDATION_ERROR',
      );
    });
  });

  it('keeps a certificate verifiable and downloadable after its course is deleted', async () => {
    const student = await createUser(t, 'student', { fullName: 'Barbara Liskov' });
    const doomed = await createCourse(t, teacher, { lessons: 1, publish: true });
    const cert = await issued(student, await completedEnrollment(student, doomed));
    await t.http
      .delete(`${API}/courses/${doomed.id}`)
      .set(...bearer(teacher))
      .expect(204);
    await t.http
      .get(`${API}/courses/${doomed.id}`)
      .set(...bearer(admin))
      .expect(404);

    const verify = await t.http
      .get(`${API}/certificates/verify/${cert.certificateNumber}`)
      .expect(200);
    expect(verify.body.data).toEqual({
      valid: true,
      certificateNumber: cert.certificateNumber,
      studentName: 'Barbara Liskov',
      courseTitle: doomed.title,
      issuedAt: cert.issuedAt,
      revokedAt: null,
    });
    const own = await t.http
      .get(`${API}/certificates/${cert.id}`)
      .set(...bearer(student))
      .expect(200);
    expectMatchesOpenApi(own, 'get', '/api/v1/certificates/{id}');
    expect(own.body.data).toEqual({ ...cert, courseId: null, enrollmentId: null });
    const pdf = await t.http
      .get(`${API}/certificates/${cert.id}/download`)
      .set(...bearer(student))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(await pdfText(pdf.body as Buffer)).toContain(doomed.title);
  });
});

describe('Certificates issued automatically (e2e, inline jobs)', () => {
  let t: TestApp;
  const { enroll, completeAll } = helpers(() => t);

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'true', APP_PUBLIC_URL: PUBLIC_URL });
  });
  afterAll(async () => {
    try {
      if (t) await jobsSettled(t);
    } finally {
      await t?.close();
      if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
    }
  });

  it('issues the certificate once the course is completed, with one certificate.issued event', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student', { fullName: 'Margaret Hamilton' });
    const course = await createCourse(t, teacher, { lessons: 2, publish: true });
    const enrollmentId = await enroll(student, course);
    const before = await t.http
      .get(`${API}/enrollments/${enrollmentId}`)
      .set(...bearer(student))
      .expect(200);
    expect(before.body.data.certificateId).toBeNull();

    await completeAll(student, enrollmentId, course);
    const certificateId = await pollUntil(
      async () => {
        const res = await t.http
          .get(`${API}/enrollments/${enrollmentId}`)
          .set(...bearer(student))
          .expect(200);
        return res.body.data.certificateId as string | null;
      },
      { timeoutMs: 15_000, what: 'the certificateId of the completed enrollment' },
    );

    const res = await t.http
      .get(`${API}/certificates/${certificateId}`)
      .set(...bearer(student))
      .expect(200);
    expectMatchesOpenApi(res, 'get', '/api/v1/certificates/{id}');
    expect(res.body.data).toMatchObject({
      id: certificateId,
      enrollmentId,
      courseId: course.id,
      studentId: student.id,
      studentName: 'Margaret Hamilton',
      courseTitle: course.title,
      certificateNumber: expect.stringMatching(NUMBER),
      revokedAt: null,
    });
    const again = await t.http
      .post(`${API}/certificates/generate`)
      .set(...bearer(student))
      .send({ enrollmentId })
      .expect(200);
    expect(again.body.data.id).toBe(certificateId);

    await jobsSettled(t);
    expect(await certificateRows(t, enrollmentId)).toBe(1);
    expect(await issuedEvents(t, certificateId)).toBe(1);
    const mine = await t.http
      .get(`${API}/certificates/my-certificates`)
      .set(...bearer(student))
      .expect(200);
    expect(body<CertificateBody[]>(mine).map((c) => c.id)).toEqual([certificateId]);
  });
});
