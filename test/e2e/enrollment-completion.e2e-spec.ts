import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/infra/queue/queue.constants';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { ReceivedMail, SmtpSink } from '../utils/smtp-sink';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';

const PUBLIC_URL = process.env.APP_PUBLIC_URL ?? 'http://localhost:8000';

const subjectOf = (mail: ReceivedMail): string | undefined =>
  /^Subject: (.*?)\r?$/m.exec(mail.raw)?.[1];

/** The message with quoted-printable soft line breaks and escapes undone (ASCII content). */
const textOf = (mail: ReceivedMail): string =>
  mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * The API writes the mails to its outbox (jobs are not inline); only the worker, a separate Nest
 * application on the same database and Redis, relays them to BullMQ and sends them over SMTP to a
 * real SMTP server.
 */
describe('Course completion side effects across processes (API, worker, SMTP)', () => {
  let sink: SmtpSink;
  let api: TestApp;
  let worker: INestApplicationContext;
  let emailQueue: Queue;
  let teacher: TestUser;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    api = await createTestApp({ JOBS_INLINE: 'false', SMTP_URL: sink.url });
    if (!api.env.REDIS_URL) throw new Error('this suite needs Redis (TEST_REDIS_URL or :6379)');
    worker = await createTestWorker(api.env, { SMTP_URL: sink.url });
    emailQueue = api.app.get<Queue>(getQueueToken(QUEUES.EMAIL));
    teacher = await createUser(api, 'instructor');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.close();
    if (api?.env.DATA_DIR) await rm(api.env.DATA_DIR, { recursive: true, force: true });
  });

  /** A short, unique, ASCII title: the subject stays on one header line. */
  const uniqueTitle = (topic: string) => `${topic} ${randomUUID().slice(0, 8)}`;

  const mailsTo = (to: string, subject: string) =>
    sink.to(to).filter((mail) => subjectOf(mail) === subject);

  function mailArrives(to: string, subject: string): Promise<ReceivedMail> {
    return pollUntil(() => mailsTo(to, subject)[0], {
      timeoutMs: 15_000,
      what: `"${subject}" to ${to}`,
    });
  }

  /** Every mail row is relayed and the email queue is idle: nothing could still send a duplicate. */
  async function mailSettled(): Promise<void> {
    await pollUntil(
      async () => {
        const [{ count }] = await api.dataSource.query<Array<{ count: number }>>(
          `SELECT count(*)::int AS count FROM outbox_messages
            WHERE name = 'send-email' AND sent_at IS NULL`,
        );
        return count === 0;
      },
      { timeoutMs: 15_000, what: 'every mail row relayed' },
    );
    await pollUntil(
      async () => {
        const counts = await emailQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      },
      { timeoutMs: 15_000, what: 'an idle email queue' },
    );
  }

  async function enroll(student: TestUser, courseId: string): Promise<string> {
    const res = await api.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId })
      .expect(201);
    expectMatchesOpenApi(res, 'post', '/api/v1/enrollments');
    return res.body.data.id as string;
  }

  async function complete(student: TestUser, enrollmentId: string, lessonId: string) {
    const res = await api.http
      .post(`${API}/enrollments/${enrollmentId}/lessons/${lessonId}/complete`)
      .set(...bearer(student))
      .expect(200);
    expectMatchesOpenApi(res, 'post', '/api/v1/enrollments/{id}/lessons/{lessonId}/complete');
    return res.body.data as { status: string; progressPercentage: number };
  }

  async function completedEvents(enrollmentId: string): Promise<number> {
    const [{ count }] = await api.dataSource.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = 'enrollment.completed'
          AND payload->'data'->>'id' = $1`,
      [enrollmentId],
    );
    return count;
  }

  it('mails the enrollment confirmation, then the completion mail once the last lesson is done, each exactly once', async () => {
    const title = uniqueTitle('Pottery');
    const course = await createCourse(api, teacher, { title, lessons: 2, publish: true });
    const student = await createUser(api, 'student', { fullName: 'Ada Lovelace' });

    const enrollmentId = await enroll(student, course.id);
    const confirmation = await mailArrives(student.email, `You are enrolled in ${title}`);
    expect(confirmation.to).toEqual([student.email]);
    expect(textOf(confirmation)).toContain(`${PUBLIC_URL}/courses/${course.slug}`);
    expect(textOf(confirmation)).toContain('Hello Ada Lovelace,');
    // Nothing is finished yet: no completion mail.
    expect(mailsTo(student.email, `You completed ${title}`)).toHaveLength(0);

    expect(await complete(student, enrollmentId, course.lessonIds[0])).toMatchObject({
      status: 'active',
      progressPercentage: 50,
    });
    expect(await complete(student, enrollmentId, course.lessonIds[1])).toMatchObject({
      status: 'completed',
      progressPercentage: 100,
    });
    // Completing a lesson again after the course is done sends nothing more.
    await complete(student, enrollmentId, course.lessonIds[1]);

    const completion = await mailArrives(student.email, `You completed ${title}`);
    expect(completion.to).toEqual([student.email]);
    expect(completion.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(textOf(completion)).toContain('Congratulations, Ada Lovelace!');
    expect(textOf(completion)).toContain(`${PUBLIC_URL}/courses/${course.slug}`);

    await mailSettled();
    expect(sink.to(student.email).map(subjectOf)).toEqual([
      `You are enrolled in ${title}`,
      `You completed ${title}`,
    ]);
    expect(await completedEvents(enrollmentId)).toBe(1);
  });

  it('mails the completion when deleting the only undone lesson completes the enrollment', async () => {
    const title = uniqueTitle('Weaving');
    const course = await createCourse(api, teacher, { title, lessons: 2, publish: true });
    const student = await createUser(api, 'student', { fullName: 'Grace Hopper' });
    const enrollmentId = await enroll(student, course.id);
    expect(await complete(student, enrollmentId, course.lessonIds[0])).toMatchObject({
      status: 'active',
    });

    await api.http
      .delete(`${API}/lessons/${course.lessonIds[1]}`)
      .set(...bearer(teacher))
      .expect(204);

    const completion = await mailArrives(student.email, `You completed ${title}`);
    expect(textOf(completion)).toContain('Congratulations, Grace Hopper!');
    const read = await api.http
      .get(`${API}/enrollments/${enrollmentId}`)
      .set(...bearer(student))
      .expect(200);
    expect(read.body.data).toMatchObject({ status: 'completed', progressPercentage: 100 });

    await mailSettled();
    expect(mailsTo(student.email, `You completed ${title}`)).toHaveLength(1);
    expect(await completedEvents(enrollmentId)).toBe(1);
  });
});
