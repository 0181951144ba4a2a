import { performance } from 'node:perf_hooks';

export interface StepTiming {
  name: string;
  rows: number;
  seconds: number;
}

const BAR_WIDTH = 20;

/**
 * Progress on stderr, one line per step (bar, step name, rows, seconds), so that stdout keeps
 * only the summary a script may parse. The timings are kept for that summary.
 */
export class StepReporter {
  readonly timings: StepTiming[] = [];

  constructor(
    private readonly totalSteps: number,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Runs one step; `work` resolves to the number of rows it wrote. */
  async step(name: string, work: () => Promise<number>): Promise<number> {
    const index = this.timings.length + 1;
    this.out.write(`${bar(index - 1, this.totalSteps)} ${index}/${this.totalSteps} ${name} ...`);
    const started = performance.now();
    const rows = await work();
    const seconds = (performance.now() - started) / 1000;
    this.timings.push({ name, rows, seconds });
    this.out.write(` ${formatCount(rows)} rows in ${seconds.toFixed(1)} s\n`);
    return rows;
  }

  totalSeconds(): number {
    return this.timings.reduce((sum, timing) => sum + timing.seconds, 0);
  }
}

function bar(done: number, total: number): string {
  const filled = Math.round((done / Math.max(total, 1)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

export const formatCount = (value: number) => value.toLocaleString('en-US');
