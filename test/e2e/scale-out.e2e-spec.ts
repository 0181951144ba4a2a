import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser } from '../factories/users.factory';
import { pollUntil } from '../utils/poll';
import { SmtpSink } from '../utils/smtp-sink';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';

interface Hook {
  id: string;
  type: string;
}

/**
 * Two API processes and two workers on one PostgreSQL and one Redis, as in production: state that
 * must be shared is, and every job runs exactly once.
 */
describe('scale-out: two APIs and two workers', () => {
  let sink: SmtpSink;
  let receiver: Server;
  const hooks: Hook[] = [];
  let api1: TestApp;
  let api2: TestApp;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        hooks.push(JSON.parse(body) as Hook);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const shared = {
      JOBS_INLINE: 'false',
      SMTP_URL: sink.url,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    };
    api1 = await createTestApp(shared);
    api2 = await createTestApp(shared, { share: api1.env });
    workers.push(
      await createTestWorker(api1.env, shared),
      await createTestWorker(api1.env, shared),
    );
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await api2.close();
    await api1.close();
    await sink.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('honours a logout on one API process in the other at once', async () => {
    const user = await createUser(api1, 'student');
    const login = await api2.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const token = login.body.data.tokens.accessToken as string;
    await api2.http.get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(200);
    await api1.http
      .post('/api/v1/auth/logout')
      .set('Authorization', `Bearer ${token}`)
      .send({})
      .expect(204);
    await api2.http.get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('runs every mail, webhook and certificate job exactly once', async () => {
    const admin = await createUser(api1, 'admin');
    const port = (receiver.address() as AddressInfo).port;
    await api2.http
      .post('/api/v1/webhooks')
      .set(...bearer(admin))
      .send({
        url: `http://127.0.0.1:${port}/hook`,
        events: ['user.registered', 'certificate.issued'],
      })
      .expect(201);

    const emails = Array.from({ length: 10 }, (_, i) => `scale-${i}@example.com`);
    await Promise.all(
      emails.map((email, i) =>
        (i % 2 ? api1 : api2).http
          .post('/api/v1/auth/register')
          .send({ email, password: 'Scale-pass-1', fullName: `Learner ${i}` })
          .expect(201),
      ),
    );

    const teacher = await createUser(api1, 'instructor');
    const course = await createCourse(api1, teacher, { lessons: 1, publish: true });
    const student = await createUser(api2, 'student');
    const enrollment = await api2.http
      .post('/api/v1/enrollments')
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    await api1.http
      .post(
        `/api/v1/enrollments/${enrollment.body.data.id}/lessons/${course.lessonIds[0]}/complete`,
      )
      .set(...bearer(student))
      .expect(200);

    // Everything settles: 10 welcome mails, 10 + 1 webhooks, the certificate and its mail.
    await pollUntil(
      () =>
        emails.every((email) => sink.to(email).length >= 1) &&
        hooks.filter((hook) => hook.type === 'user.registered').length >= 10 &&
        hooks.some((hook) => hook.type === 'certificate.issued') &&
        sink.to(student.email).length >= 2,
      { timeoutMs: 30_000, what: 'all jobs to run' },
    );
    // ...and nothing more arrives once the outbox is empty and the queues are idle.
    await pollUntil(
      async () => {
        const [{ unsent }] = await api1.dataSource.query<Array<{ unsent: number }>>(
          'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
        );
        const [{ pending }] = await api1.dataSource.query<Array<{ pending: number }>>(
          "SELECT count(*)::int AS pending FROM webhook_deliveries WHERE status = 'pending'",
        );
        return unsent === 0 && pending === 0;
      },
      { timeoutMs: 30_000, what: 'outbox and deliveries to drain' },
    );

    for (const email of emails) expect(sink.to(email)).toHaveLength(1);
    expect(sink.to(student.email).map((mail) => /Subject: (.*)/.exec(mail.raw)?.[1])).toEqual(
      expect.arrayContaining([
        expect.stringContaining('enrolled'),
        expect.stringContaining('completed'),
      ]),
    );
    expect(sink.to(student.email)).toHaveLength(2);
    const registered = hooks.filter((hook) => hook.type === 'user.registered');
    expect(registered).toHaveLength(10);
    expect(new Set(registered.map((hook) => hook.id)).size).toBe(10);
    expect(hooks.filter((hook) => hook.type === 'certificate.issued')).toHaveLength(1);
    const [{ certificates }] = await api1.dataSource.query<Array<{ certificates: number }>>(
      'SELECT count(*)::int AS certificates FROM certificates',
    );
    expect(certificates).toBe(1);
  });
});
