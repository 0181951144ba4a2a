/**
 * At most `limit` tasks run at once; the others wait, first come first served, without a timeout.
 *
 * For bursts of requests that each run several SQL statements one after the other (a class
 * starting an exam at once): the pool serves statements first come first served, so with
 * hundreds of requests in flight every statement of every request queues behind all of them, and
 * the pool's acquire timeout (5 s) fails requests that would have succeeded. Admitting a few
 * requests at a time keeps the pool's queue short; the others wait here, holding no connection
 * and no lock, so the gate cannot deadlock with the database.
 */
export class AdmissionGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be >= 1');
  }

  /** Tasks waiting for a turn (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((admit) => this.waiting.push(admit));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `running` never exceeds the limit.
      if (next) next();
      else this.running -= 1;
    }
  }
}
