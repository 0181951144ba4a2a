import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { OutboxService } from '../../src/infra/outbox/outbox.service';
import { mailJob } from '../../src/infra/mail/mail.service';
import { JOBS, QUEUES } from '../../src/infra/queue/queue.constants';
import { pollUntil } from '../utils/poll';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';

interface Row {
  name: string;
  sent_at: Date | null;
}

describe('outbox relay', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps jobs that no handler of this version runs in the outbox, and relays the others', async () => {
    await t.dataSource.transaction((manager) =>
      t.app.get(OutboxService).add(
        manager,
        { queue: QUEUES.WEBHOOKS, name: 'not-deployed-yet', payload: { hello: 'later' } },
        mailJob({
          to: 'relay@example.com',
          template: 'welcome',
          context: { fullName: 'R', email: 'relay@example.com' },
        }),
      ),
    );
    const rows = await pollUntil(
      async () => {
        const all = await t.dataSource.query<Row[]>('SELECT name, sent_at FROM outbox_messages');
        return all.find((r) => r.name === JOBS.SEND_EMAIL)?.sent_at ? all : undefined;
      },
      { what: 'the mail job to be relayed' },
    );
    expect(rows.find((r) => r.name === 'not-deployed-yet')?.sent_at).toBeNull();
  });

  it('registers the maintenance jobs as BullMQ job schedulers, once', async () => {
    const api = await createTestApp({ JOBS_INLINE: 'false' });
    const worker = await createTestWorker(api.env);
    try {
      const queue = api.app.get<Queue>(getQueueToken(QUEUES.MAINTENANCE));
      const schedulers = await queue.getJobSchedulers();
      const every = Object.fromEntries(schedulers.map((s) => [s.key, s.every]));
      expect(every).toEqual({
        [JOBS.PURGE_AUTH_TOKENS]: 3600_000,
        [JOBS.PURGE_OUTBOX]: 3600_000,
        [JOBS.PURGE_IDEMPOTENCY_KEYS]: 3600_000,
        [JOBS.EXPIRE_ATTEMPTS]: 60_000,
        [JOBS.NOTIFY_DUE_SOON]: 600_000,
      });
    } finally {
      await worker.close();
      await api.close();
    }
  });
});
