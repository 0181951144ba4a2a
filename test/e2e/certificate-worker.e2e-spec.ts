import { rm } from 'node:fs/promises';
import type { Stream } from 'node:stream';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { JOBS, QUEUES } from '../../src/infra/queue/queue.constants';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';

function binaryParser(res: Stream, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/**
 * The API does not run jobs (JOBS_INLINE=false, no outbox relay): only the worker, a separate Nest
 * application on the same database, Redis and DATA_DIR, relays the `issue-certificate` job from the
 * outbox to BullMQ and issues the certificate.
 */
describe('Certificate issue through the worker (e2e, BullMQ)', () => {
  let api: TestApp;
  let worker: INestApplicationContext;
  let certificatesQueue: Queue;
  let teacher: TestUser;

  beforeAll(async () => {
    api = await createTestApp({ JOBS_INLINE: 'false' });
    if (!api.env.REDIS_URL) throw new Error('this suite needs Redis (TEST_REDIS_URL or :6379)');
    worker = await createTestWorker(api.env);
    certificatesQueue = api.app.get<Queue>(getQueueToken(QUEUES.CERTIFICATES));
    teacher = await createUser(api, 'instructor');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    if (api?.env.DATA_DIR) await rm(api.env.DATA_DIR, { recursive: true, force: true });
  });

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [{ count: n }] = await api.dataSource.query<Array<{ count: number }>>(sql, params);
    return n;
  }

  const issueJobs = (enrollmentId: string) =>
    count(
      `SELECT count(*)::int AS count FROM outbox_messages
        WHERE name = $1 AND payload->>'enrollmentId' = $2`,
      [JOBS.ISSUE_CERTIFICATE, enrollmentId],
    );
  const certificates = (enrollmentId: string) =>
    count('SELECT count(*)::int AS count FROM certificates WHERE enrollment_id = $1', [
      enrollmentId,
    ]);
  const issuedEvents = (certificateId: string) =>
    count(
      `SELECT count(*)::int AS count FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = 'certificate.issued'
          AND payload->'data'->>'id' = $1`,
      [certificateId],
    );

  /** Every outbox row relayed and the certificates queue idle: nothing could issue a duplicate. */
  async function settled(): Promise<void> {
    await pollUntil(
      async () =>
        (await count(
          'SELECT count(*)::int AS count FROM outbox_messages WHERE sent_at IS NULL',
          [],
        )) === 0,
      { timeoutMs: 15_000, what: 'every outbox row relayed' },
    );
    await pollUntil(
      async () => {
        const counts = await certificatesQueue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
        );
        return Object.values(counts).every((n) => n === 0);
      },
      { timeoutMs: 15_000, what: 'an idle certificates queue' },
    );
  }

  const completeLesson = (student: TestUser, enrollmentId: string, lessonId: string) =>
    api.http
      .post(`${API}/enrollments/${enrollmentId}/lessons/${lessonId}/complete`)
      .set(...bearer(student))
      .expect(200);

  it('issues the certificate in the worker once the last lesson is completed, exactly once', async () => {
    const student = await createUser(api, 'student', { fullName: 'Hedy Lamarr' });
    const course = await createCourse(api, teacher, { lessons: 2, publish: true });
    const enrolled = await api.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    const enrollmentId = enrolled.body.data.id as string;

    await completeLesson(student, enrollmentId, course.lessonIds[0]);
    // Written in the same transaction as the progress: no job until the course is complete.
    expect(await issueJobs(enrollmentId)).toBe(0);

    const done = await completeLesson(student, enrollmentId, course.lessonIds[1]);
    expect(done.body.data.status).toBe('completed');
    expect(await issueJobs(enrollmentId)).toBe(1);
    // Completing the last lesson again changes nothing.
    await completeLesson(student, enrollmentId, course.lessonIds[1]);
    expect(await issueJobs(enrollmentId)).toBe(1);

    const certificateId = await pollUntil(
      async () => {
        const res = await api.http
          .get(`${API}/enrollments/${enrollmentId}`)
          .set(...bearer(student))
          .expect(200);
        return res.body.data.certificateId as string | null;
      },
      { timeoutMs: 20_000, what: 'the certificate issued by the worker' },
    );

    await settled();
    expect(await certificates(enrollmentId)).toBe(1);
    expect(await issuedEvents(certificateId)).toBe(1);

    const res = await api.http
      .get(`${API}/certificates/${certificateId}`)
      .set(...bearer(student))
      .expect(200);
    expectMatchesOpenApi(res, 'get', '/api/v1/certificates/{id}');
    expect(res.body.data).toMatchObject({
      id: certificateId,
      enrollmentId,
      studentId: student.id,
      studentName: 'Hedy Lamarr',
      courseTitle: course.title,
    });
    // The worker stored the PDF where the API reads it.
    const pdf = await api.http
      .get(`${API}/certificates/${certificateId}/download`)
      .set(...bearer(student))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('keeps one certificate when the worker receives the job a second time', async () => {
    const student = await createUser(api, 'student');
    const course = await createCourse(api, teacher, { lessons: 1, publish: true });
    const enrolled = await api.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    const enrollmentId = enrolled.body.data.id as string;
    await completeLesson(student, enrollmentId, course.lessonIds[0]);
    await pollUntil(async () => (await certificates(enrollmentId)) > 0, {
      timeoutMs: 20_000,
      what: 'the first certificate',
    });
    await settled();
    const [{ id: certificateId }] = await api.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM certificates WHERE enrollment_id = $1',
      [enrollmentId],
    );

    // A redelivery (another job id) of the same work, as after a worker crash.
    const job = await certificatesQueue.add(JOBS.ISSUE_CERTIFICATE, { enrollmentId });
    await pollUntil(async () => (await job.getState()) === 'completed', {
      timeoutMs: 20_000,
      what: 'the duplicate job to complete',
    });
    expect(await certificates(enrollmentId)).toBe(1);
    expect(await issuedEvents(certificateId)).toBe(1);
  });
});
