import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { mailJob } from '../../src/infra/mail/mail.service';
import { OutboxRelay } from '../../src/infra/outbox/outbox.relay';
import { OutboxService } from '../../src/infra/outbox/outbox.service';
import { JOBS, QUEUES } from '../../src/infra/queue/queue.constants';
import { pollUntil } from '../utils/poll';
import { ProbeModule } from '../utils/probe.module';
import { SmtpSink } from '../utils/smtp-sink';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';

const WELCOME_SUBJECT = 'Welcome to LMS, Ada';

interface OutboxRow {
  id: string;
  sent_at: Date | null;
}

function uniqueAddress(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

async function postMail(t: TestApp, to: string): Promise<void> {
  const res = await t.http.post('/api/v1/probe/mail').send({ to }).expect(202);
  expect(res.body.data).toEqual({ queued: true });
}

async function outboxRowsTo(t: TestApp, to: string): Promise<OutboxRow[]> {
  return t.dataSource.query<OutboxRow[]>(
    `SELECT id, sent_at FROM outbox_messages WHERE payload->>'to' = $1`,
    [to],
  );
}

async function unsentCount(t: TestApp): Promise<number> {
  const [{ count }] = await t.dataSource.query<{ count: number }[]>(
    'SELECT count(*)::int AS count FROM outbox_messages WHERE sent_at IS NULL',
  );
  return count;
}

/** Polls until the row of the one mail to `to` is marked sent, and returns it. */
function sentRowTo(t: TestApp, to: string): Promise<OutboxRow> {
  return pollUntil(
    async () => {
      const rows = await outboxRowsTo(t, to);
      return rows.length === 1 && rows[0].sent_at !== null ? rows[0] : undefined;
    },
    { what: `outbox row to ${to} marked sent` },
  );
}

function expectWelcomeMail(raw: string, to: string): void {
  expect(raw).toMatch(new RegExp(`^To: ${to.replace(/[.+]/g, '\\$&')}\\r?$`, 'm'));
  expect(raw).toMatch(new RegExp(`^Subject: ${WELCOME_SUBJECT}\\r?$`, 'm'));
  expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
  expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r?$/m);
  expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8\r?$/m);
  expect(raw).toContain('<h1>Welcome, Ada!</h1>');
}

describe('Mail through the outbox, jobs inline, over SMTP', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp(
      { JOBS_INLINE: 'true', SMTP_URL: sink.url },
      { imports: [ProbeModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('delivers one welcome mail with HTML and text parts and marks the outbox row sent', async () => {
    const to = uniqueAddress('inline');
    await postMail(t, to);

    const [mail] = await pollUntil(() => sink.to(to).length > 0 && sink.to(to), {
      what: `a mail to ${to}`,
    });
    expect(mail.to).toEqual([to]);
    expectWelcomeMail(mail.raw, to);
    await sentRowTo(t, to);
    expect(sink.to(to)).toHaveLength(1);
  });
});

describe('Mail through the outbox, jobs inline, without SMTP_URL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      { JOBS_INLINE: 'true', SMTP_URL: undefined },
      { imports: [ProbeModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  it('writes the mail as an .eml file under DATA_DIR/mail', async () => {
    const to = uniqueAddress('file');
    const directory = join(t.env.DATA_DIR ?? '', 'mail');
    await postMail(t, to);

    const raw = await pollUntil(
      async () => {
        const names = (await readdir(directory)).filter((name) => name.endsWith('.eml'));
        const contents = await Promise.all(
          names.map((name) => readFile(join(directory, name), 'utf8')),
        );
        return contents.find((content) => content.includes(to));
      },
      { what: `an .eml file for ${to} in ${directory}` },
    );
    expectWelcomeMail(raw, to);
    await sentRowTo(t, to);
  });
});

describe('Mail through the outbox and BullMQ, across processes', () => {
  let sink: SmtpSink;
  let api: TestApp;
  let emailQueue: Queue;
  const workers: INestApplicationContext[] = [];

  async function startWorker(): Promise<INestApplicationContext> {
    const worker = await createTestWorker(api.env, { SMTP_URL: sink.url });
    workers.push(worker);
    return worker;
  }

  async function stopWorkers(): Promise<void> {
    for (const worker of workers.splice(0)) await worker.close();
  }

  /** Waits until the email queue holds nothing that could still send a (duplicate) mail. */
  async function emailQueueSettled(): Promise<void> {
    await pollUntil(
      async () => {
        const counts = await emailQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      },
      { what: 'an idle email queue' },
    );
  }

  beforeAll(async () => {
    sink = await SmtpSink.start();
    api = await createTestApp(
      { JOBS_INLINE: 'false', SMTP_URL: sink.url },
      { imports: [ProbeModule] },
    );
    if (!api.env.REDIS_URL) throw new Error('this suite needs Redis (TEST_REDIS_URL or :6379)');
    emailQueue = api.app.get<Queue>(getQueueToken(QUEUES.EMAIL));
  });
  afterEach(() => stopWorkers());
  afterAll(async () => {
    await stopWorkers();
    await api?.close();
    await sink?.close();
  });

  it('keeps the mail in the outbox while no worker runs, then delivers it once, also after a worker restart', async () => {
    const first = uniqueAddress('before-worker');
    await postMail(api, first);
    // The API relays nothing when jobs go through BullMQ: only a worker moves the row.
    expect(() => api.app.get(OutboxRelay, { strict: false })).toThrow();
    expect(await outboxRowsTo(api, first)).toEqual([{ id: expect.any(String), sent_at: null }]);
    expect(sink.messages).toHaveLength(0);

    await startWorker();
    const firstRow = await sentRowTo(api, first);
    const [firstMail] = await pollUntil(() => sink.to(first).length > 0 && sink.to(first), {
      what: `a mail to ${first}`,
    });
    expectWelcomeMail(firstMail.raw, first);

    await stopWorkers();
    const second = uniqueAddress('after-restart');
    await postMail(api, second);
    expect(await outboxRowsTo(api, second)).toEqual([{ id: expect.any(String), sent_at: null }]);
    expect(sink.to(second)).toHaveLength(0);

    await startWorker();
    const secondRow = await sentRowTo(api, second);
    await pollUntil(() => sink.messages.length >= 2, { what: 'two mails in the sink' });
    await emailQueueSettled();

    expect(sink.to(first)).toHaveLength(1);
    expect(sink.to(second)).toHaveLength(1);
    expect(sink.messages).toHaveLength(2);
    // The outbox row id is the BullMQ job id: a relay that runs twice cannot queue twice.
    for (const [row, to] of [
      [firstRow, first],
      [secondRow, second],
    ] as const) {
      const job = await emailQueue.getJob(row.id);
      expect(job?.name).toBe(JOBS.SEND_EMAIL);
      expect(job?.data).toMatchObject({ to, template: 'welcome' });
      expect(await job?.getState()).toBe('completed');
    }
  });

  it('sends each of 30 outbox mails exactly once with two workers relaying concurrently', async () => {
    const batch = randomUUID().slice(0, 8);
    const recipients = Array.from({ length: 30 }, (_, i) => `bulk-${batch}-${i}@example.com`);
    const outbox = api.app.get(OutboxService);
    await api.dataSource.transaction((manager) =>
      outbox.add(
        manager,
        ...recipients.map((to) =>
          mailJob({ to, template: 'welcome', context: { fullName: 'Ada', email: to } }),
        ),
      ),
    );
    expect(await unsentCount(api)).toBe(30);

    await Promise.all([startWorker(), startWorker()]);
    const ofBatch = () => sink.messages.filter((mail) => mail.to[0]?.includes(`-${batch}-`));
    await pollUntil(() => ofBatch().length >= 30, { timeoutMs: 20_000, what: '30 mails' });
    await pollUntil(async () => (await unsentCount(api)) === 0, { what: 'no unsent rows' });
    await emailQueueSettled();

    const received = ofBatch().flatMap((mail) => mail.to);
    expect(received).toHaveLength(30);
    expect(new Set(received)).toEqual(new Set(recipients));
  });
});
