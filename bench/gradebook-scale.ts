/**
 * The gradebook at scale: times the three gradebook routes on the scale seed's gradebook course
 * (`npm run seed -- --profile scale --students 10000`: 10,000 students x 20 quizzes x 3 finished
 * attempts, 10 assignments with one graded submission each) against the real API process.
 *
 *   npm run build
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_scale \
 *     npx ts-node --transpile-only bench/gradebook-scale.ts [--runs 100] [--warmup 10] [--csv-runs 3]
 *
 * The API is `node dist/main` (runEntryPoint, as production runs it) on a free loopback port,
 * development settings, rate limits off, no Redis unless BENCH_REDIS_URL is given; it applies
 * pending migrations at start-up (the gradebook indexes). Measured, client side over loopback:
 * - a JSON page of 50 students (`GET /courses/:id/gradebook?page=P&pageSize=50`), P spread over
 *   every page of the course, as the course's instructor: p50 / p95 / max (goal p95 < 100 ms);
 * - the whole CSV (`GET /courses/:id/gradebook.csv`) read to its end: wall time, bytes, lines
 *   (goal < 10 s), and the API process's RSS: before, and its peak during the download (VmHWM,
 *   reset through /proc/<pid>/clear_refs before each download), to show memory stays flat;
 * - `GET /courses/:id/my-grades` as students of the course, in turn (goal p95 < 30 ms).
 * Every loop is bounded by its option; only 127.0.0.1 is contacted. The load average is printed
 * before and after: the machine is shared, so figures are upper bounds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { freePort, runEntryPoint, waitForHttp } from '../test/utils/processes';
import { Stats, stats } from './lib/stats';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const GRADEBOOK_SLUG = 'scale-gradebook';
const PAGE_SIZE = 50;

interface Options {
  runs: number;
  warmup: number;
  csvRuns: number;
  password: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '10' },
      'csv-runs': { type: 'string', default: '3' },
    },
  });
  const bounded = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name}: ${min}..${max}`);
    }
    return value;
  };
  return {
    runs: bounded('runs', values.runs, 1, 10_000),
    warmup: bounded('warmup', values.warmup, 0, 1_000),
    csvRuns: bounded('csv-runs', values['csv-runs'], 1, 20),
    // The scale seed's default; never printed.
    password: process.env.BENCH_PASSWORD ?? 'scale-Passw0rd',
  };
}

function loopbackUrl(name: string, required: boolean): string | undefined {
  const url = process.env[name];
  if (!url) {
    if (required) throw new Error(`${name} is required (a database seeded with --profile scale)`);
    return undefined;
  }
  if (!LOOPBACK.has(new URL(url).hostname)) throw new Error(`${name} must be on 127.0.0.1`);
  return url;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Times `task(i)` sequentially, after `warmup` untimed calls. */
async function timed(task: (i: number) => Promise<void>, o: Options): Promise<Stats> {
  for (let i = 0; i < o.warmup; i++) await task(i);
  const samples: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const started = performance.now();
    await task(i);
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

/** VmRSS and VmHWM (peak) of a process, in kB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Resets the process's peak RSS (Linux: "5" > clear_refs), so VmHWM is the peak from now on. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function login(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { data?: { tokens?: { accessToken?: string } } };
  const token = body.data?.tokens?.accessToken;
  if (res.status !== 200 || !token) {
    throw new Error(`login as ${email}: ${res.status} (set BENCH_PASSWORD if not the default)`);
  }
  return token;
}

async function get(url: string, token: string): Promise<Response> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(120_000),
  });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res;
}

async function findCourse(url: string) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; owner: string; students: number }>(
      `SELECT c.id, u.email AS owner,
              (SELECT count(*)::int FROM enrollments e WHERE e.course_id = c.id) AS students
         FROM courses c JOIN users u ON u.id = c.instructor_id WHERE c.slug = $1`,
      [GRADEBOOK_SLUG],
    );
    if (!rows[0]) throw new Error(`no course ${GRADEBOOK_SLUG}: seed with --profile scale first`);
    const { rows: students } = await db.query<{ email: string }>(
      `SELECT u.email FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE e.course_id = $1 ORDER BY u.email LIMIT 20`,
      [rows[0].id],
    );
    const { rows: counts } = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
                WHERE q.course_id = $1) AS attempts,
              (SELECT count(*)::int FROM submissions s JOIN assignments a ON a.id = s.assignment_id
                WHERE a.course_id = $1) AS submissions,
              current_setting('server_version') AS postgres`,
      [rows[0].id],
    );
    return { ...rows[0], studentEmails: students.map((row) => row.email), counts: counts[0] };
  } finally {
    await db.end();
  }
}

async function main(): Promise<void> {
  const o = options();
  const url = loopbackUrl('BENCH_DATABASE_URL', true)!;
  const redis = loopbackUrl('BENCH_REDIS_URL', false);
  const course = await findCourse(url);
  console.log(
    `course ${course.id}: ${course.students} students, ${JSON.stringify(course.counts)}; ` +
      `${cpus().length} CPUs, node ${process.version}; load average ${load()}`,
  );

  const dataDir = await mkdtemp(join(tmpdir(), 'lms-bench-gradebook-'));
  const port = await freePort();
  const api = runEntryPoint('main', {
    NODE_ENV: 'development',
    PORT: String(port),
    DATABASE_URL: url,
    REDIS_URL: redis,
    REDIS_PREFIX: redis ? `bench-gradebook-${Date.now()}:` : undefined,
    DATA_DIR: dataDir,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    API_DOCS_ENABLED: 'false',
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  try {
    await Promise.race([
      waitForHttp(`${base}/health`, 120_000),
      api.exited.then((code) => {
        throw new Error(`the API exited (${code}) at start-up:\n${api.output().slice(-2000)}`);
      }),
    ]);
    const pid = api.child.pid!;
    const owner = await login(base, course.owner, o.password);
    const students = await Promise.all(
      course.studentEmails.map((email) => login(base, email, o.password)),
    );
    const pages = Math.ceil(course.students / PAGE_SIZE);

    // Pages spread over the whole roster (a stride coprime with most page counts).
    const page = await timed(async (i) => {
      const p = 1 + ((i * 37) % pages);
      const res = await get(
        `${base}/courses/${course.id}/gradebook?page=${p}&pageSize=${PAGE_SIZE}`,
        owner,
      );
      const body = (await res.json()) as { data: { students: unknown[] } };
      if (body.data.students.length === 0) throw new Error(`page ${p} is empty`);
    }, o);
    console.log(
      `gradebook page of ${PAGE_SIZE} (${pages} pages): p50 ${ms(page.p50)}, p95 ${ms(page.p95)}, ` +
        `max ${ms(page.max)}, mean ${ms(page.mean)} (goal p95 < 100 ms)`,
    );

    const mine = await timed(async (i) => {
      const res = await get(
        `${base}/courses/${course.id}/my-grades`,
        students[i % students.length],
      );
      await res.arrayBuffer();
    }, o);
    console.log(
      `my-grades: p50 ${ms(mine.p50)}, p95 ${ms(mine.p95)}, max ${ms(mine.max)}, ` +
        `mean ${ms(mine.mean)} (goal p95 < 30 ms)`,
    );

    for (let run = 1; run <= o.csvRuns; run++) {
      const before = memoryOf(pid);
      const resettable = resetPeak(pid);
      const started = performance.now();
      const res = await get(`${base}/courses/${course.id}/gradebook.csv`, owner);
      let bytes = 0;
      let lines = 0;
      let sampledPeak = before.rss;
      const reader = res.body!.getReader();
      for (;;) {
        const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
        if (chunk.done || !chunk.value) break;
        const value = chunk.value;
        bytes += value.length;
        for (const byte of value) if (byte === 10) lines++;
        sampledPeak = Math.max(sampledPeak, memoryOf(pid).rss);
      }
      const seconds = (performance.now() - started) / 1000;
      const after = memoryOf(pid);
      const peak = resettable ? after.peak : sampledPeak;
      console.log(
        `CSV run ${run}: ${seconds.toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB, ${lines} lines; ` +
          `API RSS before ${mb(before.rss)}, peak during ${mb(peak)}` +
          `${resettable ? '' : ' (sampled)'}, after ${mb(after.rss)} (goal < 10 s)`,
      );
    }
    console.log(`load average after: ${load()}`);
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
