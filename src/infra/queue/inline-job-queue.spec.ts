import { Logger } from '@nestjs/common';
import { InlineJobQueue } from './inline-job-queue';
import { JobHandlerRegistry } from './job-handler.registry';
import { DEFAULT_JOB_ATTEMPTS, DEFAULT_JOB_BACKOFF_MS, QUEUES } from './queue.constants';

type Dispatch = (queue: string, name: string, data: unknown) => Promise<unknown>;

function setup(dispatch: Dispatch = async () => undefined) {
  const registry = { dispatch: jest.fn(dispatch) };
  const queue = new InlineJobQueue(registry as unknown as JobHandlerRegistry);
  return { registry, queue };
}

async function emailDepth(queue: InlineJobQueue) {
  const depths = await queue.depths();
  return depths.find((depth) => depth.queue === QUEUES.EMAIL);
}

describe('InlineJobQueue', () => {
  let logError: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('runs a job once, on the next tick, with its queue, name and data', async () => {
    const { registry, queue } = setup();
    await queue.add(QUEUES.EMAIL, 'send-email', { to: 'a@example.com' });
    expect(registry.dispatch).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(0);
    expect(registry.dispatch).toHaveBeenCalledTimes(1);
    expect(registry.dispatch).toHaveBeenCalledWith(QUEUES.EMAIL, 'send-email', {
      to: 'a@example.com',
    });

    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(registry.dispatch).toHaveBeenCalledTimes(1);
    expect(await emailDepth(queue)).toEqual({
      queue: QUEUES.EMAIL,
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
    });
  });

  it('waits delayMs before running a delayed job and reports it as delayed meanwhile', async () => {
    const { registry, queue } = setup();
    await queue.add(QUEUES.EMAIL, 'send-email', {}, { delayMs: 5_000 });
    expect((await emailDepth(queue))?.delayed).toBe(1);

    await jest.advanceTimersByTimeAsync(4_999);
    expect(registry.dispatch).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(registry.dispatch).toHaveBeenCalledTimes(1);
    expect((await emailDepth(queue))?.delayed).toBe(0);
  });

  it('retries a failing job with exponential backoff up to attempts, then counts it failed', async () => {
    const { registry, queue } = setup(async () => {
      throw new Error('smtp down');
    });
    await queue.add(QUEUES.EMAIL, 'send-email', {}, { attempts: 4, backoffMs: 1_000 });

    // Attempt n+1 starts backoff * 2^(n-1) after attempt n failed: 1 s, 2 s, 4 s.
    const expectedCallsAt: [number, number][] = [
      [0, 1],
      [999, 1],
      [1, 2],
      [1_999, 2],
      [1, 3],
      [3_999, 3],
      [1, 4],
    ];
    for (const [advanceMs, calls] of expectedCallsAt) {
      await jest.advanceTimersByTimeAsync(advanceMs);
      expect(registry.dispatch).toHaveBeenCalledTimes(calls);
    }
    expect(await emailDepth(queue)).toMatchObject({ active: 0, delayed: 0, failed: 1 });

    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(registry.dispatch).toHaveBeenCalledTimes(4);
    expect(logError).toHaveBeenCalledWith(expect.stringContaining('failed after 4 attempts'));
  });

  it('uses the default attempts and backoff when the producer gives none', async () => {
    const { registry, queue } = setup(async () => {
      throw new Error('nope');
    });
    await queue.add(QUEUES.EMAIL, 'send-email', {});
    const totalBackoff = DEFAULT_JOB_BACKOFF_MS * (2 ** (DEFAULT_JOB_ATTEMPTS - 1) - 1);

    await jest.advanceTimersByTimeAsync(totalBackoff - 1);
    expect(registry.dispatch).toHaveBeenCalledTimes(DEFAULT_JOB_ATTEMPTS - 1);
    await jest.advanceTimersByTimeAsync(1);
    expect(registry.dispatch).toHaveBeenCalledTimes(DEFAULT_JOB_ATTEMPTS);
    expect((await emailDepth(queue))?.failed).toBe(1);
  });

  it('does not count a job that succeeds on a retry as failed', async () => {
    let calls = 0;
    const { registry, queue } = setup(async () => {
      calls += 1;
      if (calls === 1) throw new Error('flaky');
    });
    await queue.add(QUEUES.EMAIL, 'send-email', {}, { attempts: 3, backoffMs: 100 });

    await jest.advanceTimersByTimeAsync(10_000);
    expect(registry.dispatch).toHaveBeenCalledTimes(2);
    expect(await emailDepth(queue)).toMatchObject({ active: 0, delayed: 0, failed: 0 });
  });

  it('ignores a second job with the same jobId', async () => {
    const { registry, queue } = setup();
    await queue.add(QUEUES.EMAIL, 'send-email', { n: 1 }, { jobId: 'outbox-row-1' });
    await queue.add(QUEUES.EMAIL, 'send-email', { n: 2 }, { jobId: 'outbox-row-1' });
    await jest.advanceTimersByTimeAsync(0);
    await queue.add(QUEUES.EMAIL, 'send-email', { n: 3 }, { jobId: 'outbox-row-1' });
    await queue.add(QUEUES.EMAIL, 'send-email', { n: 4 }, { jobId: 'outbox-row-2' });
    await jest.advanceTimersByTimeAsync(0);

    expect(registry.dispatch.mock.calls.map(([, , data]) => data)).toEqual([{ n: 1 }, { n: 4 }]);
  });

  it('runs nothing after beforeApplicationShutdown: no queued, delayed, retried or new job', async () => {
    let fail = true;
    const { registry, queue } = setup(async () => {
      if (fail) throw new Error('first run fails');
    });
    await queue.add(QUEUES.EMAIL, 'send-email', { kind: 'retried' }, { backoffMs: 1_000 });
    await jest.advanceTimersByTimeAsync(0);
    expect(registry.dispatch).toHaveBeenCalledTimes(1);
    fail = false;
    await queue.add(QUEUES.EMAIL, 'send-email', { kind: 'delayed' }, { delayMs: 500 });
    await queue.add(QUEUES.EMAIL, 'send-email', { kind: 'queued' });

    await queue.beforeApplicationShutdown();
    await queue.add(QUEUES.EMAIL, 'send-email', { kind: 'after shutdown' });
    await jest.advanceTimersByTimeAsync(60 * 60_000);

    expect(registry.dispatch).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits for a running job to finish on shutdown', async () => {
    let finish!: () => void;
    const { queue } = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    await queue.add(QUEUES.EMAIL, 'send-email', {});
    await jest.advanceTimersByTimeAsync(0);
    expect((await emailDepth(queue))?.active).toBe(1);

    let stopped = false;
    const shutdown = queue.beforeApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await shutdown;
    expect(stopped).toBe(true);
    expect((await emailDepth(queue))?.active).toBe(0);
  });

  it('runs a scheduled job every interval until shutdown', async () => {
    const { registry, queue } = setup();
    await queue.schedule(QUEUES.MAINTENANCE, 'purge-outbox', 1_000);

    await jest.advanceTimersByTimeAsync(3_000);
    expect(registry.dispatch).toHaveBeenCalledTimes(3);
    expect(registry.dispatch).toHaveBeenCalledWith(QUEUES.MAINTENANCE, 'purge-outbox', {});

    await queue.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(registry.dispatch).toHaveBeenCalledTimes(3);
  });
});
