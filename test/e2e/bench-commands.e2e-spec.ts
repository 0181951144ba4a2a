import { Client } from 'pg';
import { runCommandLine } from '../utils/processes';

/**
 * The benchmark commands of bench/README.md, run as `npm run bench -- ...` runs them after its
 * build (the e2e global setup has built dist/): a small exam burst and a short catalogue run on
 * this machine's PostgreSQL and Redis must end with exit code 0, print their ratios, pass their
 * database checks and drop their scratch databases. Figures are not judged here (benchmarks
 * measure; tests assert behaviour).
 */
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT_MS = 240_000;

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

async function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = runCommandLine(['npx', 'ts-node', '--transpile-only', 'bench/bench.ts', ...args], {
    BENCH_PG_ADMIN_URL: ADMIN_URL,
    BENCH_REDIS_URL: REDIS_URL,
  });
  const code = await run.exited;
  return { code, output: run.output() };
}

describe('benchmark commands (npm run bench)', () => {
  it(
    'runs the exam burst against the API and the bare reference, every check passing',
    async () => {
      const { code, output } = await bench(['exam', '--students', '20']);
      expect({ code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });
      for (const target of ['api', 'raw']) {
        for (const check of ['attempts', 'graded', 'submitted_events', 'completions']) {
          expect(output).toContain(`PASS ${target}: ${check} = 20 (expected 20)`);
        }
      }
      expect(output).toMatch(/API \/ raw throughput: \d+\.\d\dx/);
      expect(output).toContain('goal: zero failed requests (0): met');
      expect(await databaseExists('lms_bench_exam')).toBe(false);
    },
    LIMIT_MS,
  );

  it(
    'runs the catalogue trio and compares the API with the bare server',
    async () => {
      const { code, output } = await bench([
        'catalogue',
        '--students',
        '64',
        '--duration',
        '1',
        '--warmup',
        '0',
        '--connections',
        '2',
      ]);
      expect({ code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });
      expect(output).toContain('answers the same JSON as the API: true');
      expect(output).toMatch(/catalogue \/ raw ceiling: \d+ \/ \d+ req\/s = \d+ %/);
      expect(await databaseExists('lms_bench_http')).toBe(false);
    },
    LIMIT_MS,
  );
});
