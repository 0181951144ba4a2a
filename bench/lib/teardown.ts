import type { ChildProcess } from 'node:child_process';

/**
 * What a benchmark must release however it ends: every resource registers a step, run once in
 * reverse order (on success, failure, SIGINT or SIGTERM); child processes still tracked at exit
 * are killed.
 */
export class Teardown {
  private readonly steps: Array<() => Promise<unknown>> = [];
  private readonly children = new Set<ChildProcess>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly log: (text: string) => void,
    private readonly stopLimitMs = 20_000,
  ) {
    process.on('exit', () => {
      for (const child of this.children) child.kill('SIGKILL');
    });
    // Output piped into `head` and closed early must not skip the cleanup.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        this.log(`${signal}: stopping`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }

  /** True once the teardown has begun (children exiting then are expected to). */
  get started(): boolean {
    return this.running !== null;
  }

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  /** A child killed at exit if still running (add a step with `stop` to end it gracefully). */
  track(child: ChildProcess): void {
    this.children.add(child);
  }

  untrack(child: ChildProcess): void {
    this.children.delete(child);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (error) {
          this.log(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }

  /** Sends SIGTERM, waits for the exit (a CPU profile is written then), SIGKILL after the limit. */
  stop(child: ChildProcess, name: string): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.log(`${name} did not stop in ${this.stopLimitMs / 1000} s: SIGKILL`);
        child.kill('SIGKILL');
      }, this.stopLimitMs);
      child.once('exit', () => {
        clearTimeout(timer);
        this.children.delete(child);
        done();
      });
      child.kill('SIGTERM');
    });
  }
}
