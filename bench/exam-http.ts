/**
 * The synchronised exam, side by side: `npm run bench -- exam --students N` (bench/bench.ts
 * dispatches here after the build).
 *
 * 1. A scratch database `lms_bench_exam` on BENCH_PG_ADMIN_URL's server (dropped first if a
 *    crashed run left it, dropped at the end unless --keep-db), migrated by the real CLI
 *    (`node dist/cli migration:run`).
 * 2. Data in SQL, twice the same: for each target (the API, the raw server) a published course
 *    with two lessons and a published timed quiz (30 min, passing at 60 %, 10 questions of three
 *    types, 15 points) tied to the second lesson, plus a warm-up quiz of the same shape tied to
 *    the first lesson; N students (+ 20 warm-up students) enrolled in both courses. Access tokens
 *    are signed here with the API's secret (HS256, the claims TokenService writes): no argon2
 *    logins in the set-up.
 * 3. The production API (`node dist/main`, NODE_ENV=production, Redis at BENCH_REDIS_URL under a
 *    private key prefix, JOBS_INLINE=false, rate limits off, LOG_LEVEL=warn) and its worker, and
 *    bench/raw-exam-server.mjs (bare node:http + pg, the same guarantees: see its header), in this
 *    process tree.
 * 4. Per target, one after the other: the 20 warm-up students start and submit the warm-up quiz
 *    (not measured), then all N students start at once (one fetch each, Promise.all), then every
 *    student who got an attempt submits all answers right at once. Per phase: ok / failed (by
 *    status), p50 / p95 / max latency (client side, loopback HTTP included) and wall time;
 *    throughput = N / (start wall + submit wall); the 1-minute load average before and after.
 * 5. Checks in the database per quiz: N attempts, N graded (submitted) with full marks, N
 *    `quiz.attempt.submitted` outbox rows (each attempt graded once), N lesson completions and N
 *    `lesson.completed` outbox rows (each event written once).
 * 6. The API/raw throughput ratio (goal >= 0.5), each server's CPU time per student (utime +
 *    stime over the burst: steadier than wall time on a shared machine), the API's peak RSS
 *    (VmHWM; goal < 300 MB).
 *
 * Options: --students N (300), --targets api,raw (both), --cpu-prof DIR (the API runs with
 * --cpu-prof), --node-flags=... (Node/V8 flags for the API; absent: the Dockerfile's NODE_OPTIONS,
 * as deployed; `--node-flags=` for none), --keep-db, --json FILE.
 * Environment: BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL
 * (redis://127.0.0.1:6379), DB_POOL_MAX (10, the API and the raw server alike).
 * Only 127.0.0.1 is contacted; every phase is bounded (global limit 15 min); children are killed,
 * the database dropped and the Redis keys removed on every exit path. Exit code 0 when every
 * request succeeded and every check passed, 1 otherwise, 2 for bad usage.
 */
import { ChildProcess, fork } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { freePort, NodeProcess, runEntryPoint, waitForHttp } from '../test/utils/processes';
import { Teardown } from './lib/teardown';
import { loopbackUrl } from './lib/loopback';
import { apiNodeFlags } from './lib/node-flags';
import { withClient } from './lib/pg';
import { cpuSeconds, procStatus } from './lib/proc';
import { percentile } from './lib/stats';

const ROOT = resolve(__dirname, '..');
const GLOBAL_LIMIT_MS = 15 * 60_000;
const REQUEST_TIMEOUT_MS = 120_000;
const DB_NAME = 'lms_bench_exam';
const WARMUP_STUDENTS = 20;
const TARGETS = ['api', 'raw'] as const;
type TargetName = (typeof TARGETS)[number];

const { values: argv } = parseArgs({
  args: process.argv.slice(2),
  options: {
    students: { type: 'string', default: '300' },
    targets: { type: 'string', default: 'api,raw' },
    'cpu-prof': { type: 'string' },
    'node-flags': { type: 'string' },
    'keep-db': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (argv.help) {
  console.log(
    readFileSync(__filename, 'utf8')
      .split('*/')[0]
      .replace(/^\/\*\*|^ \* ?/gm, ''),
  );
  process.exit(0);
}
const students = Number(argv.students);
const targets = argv.targets.split(',').map((t) => t.trim()) as TargetName[];
const poolMax = Number(process.env.DB_POOL_MAX ?? 10);
if (!Number.isInteger(students) || students < 1 || students > 10_000) {
  console.error('--students must be an integer between 1 and 10000');
  process.exit(2);
}
if (!targets.length || targets.some((t) => !TARGETS.includes(t))) {
  console.error('--targets takes api, raw or api,raw');
  process.exit(2);
}
if (!Number.isInteger(poolMax) || poolMax < 1 || poolMax > 100) {
  console.error('DB_POOL_MAX must be an integer between 1 and 100');
  process.exit(2);
}

const ADMIN_DB_URL = loopbackUrl(
  'BENCH_PG_ADMIN_URL',
  process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
const DB_URL = Object.assign(new URL(ADMIN_DB_URL), { pathname: `/${DB_NAME}` }).toString();
const REDIS_URL = loopbackUrl(
  'BENCH_REDIS_URL',
  process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
).toString();
const REDIS_PREFIX = `lmsbenchexam${process.pid}`;
const JWT_SECRET = randomBytes(48).toString('base64url');

const log = (text: string) => process.stderr.write(`[exam] ${text}\n`);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------
// Cleanup

const teardown = new Teardown(log);
const cleanup = () => teardown.run();

// ---------------------------------------------------------------------------------------------
// Data

/** Ten questions, 15 points: the shape of bench/exam-start.ts. */
const QUESTIONS: Array<{
  text: string;
  type: string;
  options: string[] | null;
  correct: unknown;
  answer: unknown;
  points: number;
}> = [
  {
    text: 'Capital of France?',
    type: 'multiple_choice',
    options: ['Paris', 'Rome', 'Madrid'],
    correct: 'Paris',
    answer: 'Paris',
    points: 2,
  },
  {
    text: 'Which are primes?',
    type: 'multiple_select',
    options: ['2', '3', '4', '5'],
    correct: ['2', '3', '5'],
    answer: ['2', '3', '5'],
    points: 3,
  },
  {
    text: 'Who wrote the first program?',
    type: 'short_answer',
    options: null,
    correct: ['Ada Lovelace', 'Lovelace'],
    answer: 'Ada Lovelace',
    points: 3,
  },
  ...Array.from({ length: 7 }, (_, i) => ({
    text: `Statement ${i + 4} is true`,
    type: 'true_false',
    options: null,
    correct: i % 2 === 0,
    answer: i % 2 === 0,
    points: 1,
  })),
];
const MAX_SCORE = QUESTIONS.reduce((sum, q) => sum + q.points, 0);
const ANSWER_BY_TEXT = new Map(QUESTIONS.map((q) => [q.text, q.answer]));

interface Exam {
  courseId: string;
  quizId: string;
  lessonId: string;
  warmupQuizId: string;
}

async function seed(): Promise<{ exams: Record<TargetName, Exam>; studentIds: string[] }> {
  return withClient(DB_URL, async (client) => {
    await client.query('BEGIN');
    const {
      rows: [teacher],
    } = await client.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, full_name, role, tokens_valid_after)
       VALUES ('bench-teacher@example.com', 'x', 'Bench Teacher', 'instructor', '2000-01-01')
       RETURNING id`,
    );
    const exams = {} as Record<TargetName, Exam>;
    for (const target of TARGETS) {
      const {
        rows: [course],
      } = await client.query<{ id: string }>(
        `INSERT INTO courses (title, slug, instructor_id, is_published, published_at)
         VALUES ($1, $2, $3, true, now()) RETURNING id`,
        [`Exam course (${target})`, `exam-course-${target}`, teacher.id],
      );
      const { rows: lessons } = await client.query<{ id: string }>(
        `INSERT INTO lessons (course_id, title, content, content_type, position)
         VALUES ($1, 'Lesson 1', 'Read this first', 'text', 1),
                ($1, 'Lesson 2', 'Then this', 'text', 2)
         RETURNING id`,
        [course.id],
      );
      const quiz = async (title: string, lessonId: string) => {
        const {
          rows: [row],
        } = await client.query<{ id: string }>(
          `INSERT INTO quizzes (course_id, lesson_id, title, time_limit_minutes,
                                passing_score_percentage, is_published)
           VALUES ($1, $2, $3, 30, 60, true) RETURNING id`,
          [course.id, lessonId, title],
        );
        for (const [position, q] of QUESTIONS.entries()) {
          await client.query(
            `INSERT INTO questions (quiz_id, text, type, options, correct_answer, points, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [
              row.id,
              q.text,
              q.type,
              q.options && JSON.stringify(q.options),
              JSON.stringify(q.correct),
              q.points,
              position,
            ],
          );
        }
        return row.id;
      };
      exams[target] = {
        courseId: course.id,
        lessonId: lessons[1].id,
        warmupQuizId: await quiz('Warm-up', lessons[0].id),
        quizId: await quiz('Midterm', lessons[1].id),
      };
    }
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, full_name, role, tokens_valid_after)
       SELECT 'exam-student-' || i || '@example.com', 'x', 'Student ' || i, 'student', '2000-01-01'
         FROM generate_series(1, $1::int) AS i
       RETURNING id`,
      [students + WARMUP_STUDENTS],
    );
    const studentIds = rows.map((r) => r.id);
    await client.query(
      `INSERT INTO enrollments (student_id, course_id)
       SELECT s, c FROM unnest($1::uuid[]) AS s, unnest($2::uuid[]) AS c`,
      [studentIds, TARGETS.map((t) => exams[t].courseId)],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
    return { exams, studentIds };
  });
}

/** An access token as TokenService signs it (HS256, type access, 1 h). */
function accessToken(userId: string): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: userId,
    role: 'student',
    type: 'access',
    jti: randomUUID(),
    iat,
    exp: iat + 3600,
  })}`;
  return `${body}.${createHmac('sha256', Buffer.from(JWT_SECRET, 'utf8')).update(body).digest('base64url')}`;
}

// ---------------------------------------------------------------------------------------------
// Processes

function appEnvironment(dataDir: string, extra: Record<string, string> = {}) {
  return {
    NODE_ENV: 'production',
    JWT_SECRET,
    DATA_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
    METRICS_TOKEN: randomBytes(24).toString('base64url'),
    DATABASE_URL: DB_URL,
    REDIS_URL,
    REDIS_PREFIX,
    JOBS_INLINE: 'false',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DB_MIGRATE_ON_START: 'false',
    DB_POOL_MAX: String(poolMax),
    API_DOCS_ENABLED: 'false',
    DATA_DIR: dataDir,
    ...extra,
  };
}

async function waitReady(url: string, proc: NodeProcess, name: string): Promise<void> {
  try {
    await Promise.race([
      waitForHttp(url, 90_000),
      proc.exited.then((code) => {
        throw new Error(`exited (${code})`);
      }),
    ]);
  } catch (error) {
    const tail = proc.output().split('\n').filter(Boolean).slice(-20).join('\n');
    throw new Error(`${name} did not become ready: ${message(error)}\n${tail}`, { cause: error });
  }
}

async function startRaw(): Promise<{ base: string; child: ChildProcess }> {
  const child = fork(join(ROOT, 'bench/raw-exam-server.mjs'), [], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      RAW_DATABASE_URL: DB_URL,
      JWT_SECRET,
      DB_POOL_MAX: String(poolMax),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  teardown.track(child);
  teardown.add(() => teardown.stop(child, 'child'));
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('raw server did not start')), 15_000);
    child.once('exit', (code) => fail(new Error(`raw server exited (${code})`)));
    child.once('message', (reply: { port: number }) => {
      clearTimeout(timer);
      done(reply.port);
    });
  });
  return { base: `http://127.0.0.1:${port}/api/v1`, child };
}

// ---------------------------------------------------------------------------------------------
// The burst

interface Sample {
  status: number;
  ms: number;
  body: unknown;
}

async function post(url: string, token: string, body?: unknown): Promise<Sample> {
  const startedAt = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text
    }
    return { status: res.status, ms: performance.now() - startedAt, body: parsed };
  } catch (error) {
    return { status: 0, ms: performance.now() - startedAt, body: message(error) };
  }
}

interface Phase {
  target: TargetName;
  phase: 'start' | 'submit';
  requests: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  p50: number;
  p95: number;
  max: number;
  wall: number;
  load1Before: number;
  load1After: number;
}

function summarize(
  target: TargetName,
  phase: Phase['phase'],
  samples: Sample[],
  expected: number,
  wall: number,
  load1Before: number,
): Phase {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const failures: Record<string, number> = {};
  for (const s of samples) {
    if (s.status !== expected) failures[s.status] = (failures[s.status] ?? 0) + 1;
  }
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    target,
    phase,
    requests: samples.length,
    ok: samples.length - failed,
    failed,
    failures,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    max: ms[ms.length - 1] ?? NaN,
    wall,
    load1Before,
    load1After: os.loadavg()[0],
  };
}

type Started = {
  data: { attempt: { id: string }; questions: Array<{ id: string; text: string }> };
};

/** Everyone starts at once, then everyone who got an attempt submits at once. */
async function burst(target: TargetName, base: string, quizId: string, tokens: string[]) {
  let load1 = os.loadavg()[0];
  let t0 = performance.now();
  const starts = await Promise.all(
    tokens.map((token) => post(`${base}/quizzes/${quizId}/attempts`, token)),
  );
  const start = summarize(target, 'start', starts, 201, performance.now() - t0, load1);
  const submissions = starts.flatMap((res, i) => {
    if (res.status !== 201) return [];
    const { attempt, questions } = (res.body as Started).data;
    const answers = questions.map((q) => ({
      questionId: q.id,
      answer: ANSWER_BY_TEXT.get(q.text),
    }));
    return [{ token: tokens[i], attemptId: attempt.id, answers }];
  });
  load1 = os.loadavg()[0];
  t0 = performance.now();
  const submits = await Promise.all(
    submissions.map((s) =>
      post(`${base}/attempts/${s.attemptId}/submit`, s.token, { answers: s.answers }),
    ),
  );
  const submit = summarize(target, 'submit', submits, 200, performance.now() - t0, load1);
  const firstError = [...starts, ...submits].find(
    (s) => s.status !== 201 && s.status !== 200,
  )?.body;
  return { start, submit, firstError };
}

interface Checks {
  attempts: number;
  graded: number;
  full_marks: number;
  submitted_events: number;
  completions: number;
  completed_events: number;
}

async function check(exam: Exam): Promise<Checks> {
  return withClient(DB_URL, async (client) => {
    const { rows } = await client.query<Checks>(
      `SELECT
         (SELECT count(*)::int FROM quiz_attempts WHERE quiz_id = $1) AS attempts,
         (SELECT count(*)::int FROM quiz_attempts
           WHERE quiz_id = $1 AND status = 'submitted') AS graded,
         (SELECT count(*)::int FROM quiz_attempts
           WHERE quiz_id = $1 AND status = 'submitted' AND score = $2 AND max_score = $2) AS full_marks,
         (SELECT count(*)::int FROM outbox_messages
           WHERE name = 'domain-event' AND payload->>'type' = 'quiz.attempt.submitted'
             AND payload->'data'->>'quizId' = $1::text) AS submitted_events,
         (SELECT count(*)::int FROM lesson_progress WHERE lesson_id = $3) AS completions,
         (SELECT count(*)::int FROM outbox_messages
           WHERE name = 'domain-event' AND payload->>'type' = 'lesson.completed'
             AND payload->'data'->>'lessonId' = $3::text) AS completed_events`,
      [exam.quizId, MAX_SCORE, exam.lessonId],
    );
    return rows[0];
  });
}

// ---------------------------------------------------------------------------------------------
// Main

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(0) : '-');

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    throw new Error('dist/main.js is missing: run `npm run build` first (or `npm run bench`)');
  }
  const startedAt = new Date();
  const dataDir = await mkdtemp(join(os.tmpdir(), 'lms-bench-exam-'));
  teardown.add(() => rm(dataDir, { recursive: true, force: true }));
  teardown.add(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });

  await withClient(ADMIN_DB_URL, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DB_NAME}`);
  });
  if (!argv['keep-db']) {
    teardown.add(() =>
      withClient(ADMIN_DB_URL, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`),
      ),
    );
  }
  const migrate = runEntryPoint('cli', appEnvironment(dataDir), ['migration:run']);
  teardown.track(migrate.child);
  if ((await migrate.exited) !== 0) throw new Error(`migration:run failed\n${migrate.output()}`);
  const { exams, studentIds } = await seed();
  log(`migrated and seeded: ${studentIds.length} students enrolled in ${TARGETS.length} courses`);

  const [port, workerPort] = [await freePort(), await freePort()];
  const cpuProf = argv['cpu-prof'] ? resolve(argv['cpu-prof']) : null;
  if (cpuProf) await mkdir(cpuProf, { recursive: true });
  const nodeFlags = [
    ...apiNodeFlags(argv['node-flags']),
    ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []),
  ];
  const api = runEntryPoint(
    'main',
    appEnvironment(dataDir, { PORT: String(port), APP_PUBLIC_URL: `http://127.0.0.1:${port}` }),
    [],
    nodeFlags,
  );
  const worker = runEntryPoint(
    'worker',
    appEnvironment(dataDir, { WORKER_HEALTH_PORT: String(workerPort) }),
  );
  for (const proc of [api, worker]) teardown.track(proc.child);
  teardown.add(() => teardown.stop(worker.child, 'worker'));
  teardown.add(() => teardown.stop(api.child, 'api'));
  await Promise.all([
    waitReady(`http://127.0.0.1:${port}/api/v1/ready`, api, 'api'),
    waitReady(`http://127.0.0.1:${workerPort}/ready`, worker, 'worker'),
  ]);
  const raw = await startRaw();
  const bases: Record<TargetName, string> = {
    api: `http://127.0.0.1:${port}/api/v1`,
    raw: raw.base,
  };
  log(`API (pid ${api.child.pid}), worker and raw server (pid ${raw.child.pid}) ready`);

  const tokens = studentIds.map(accessToken);
  const warmupTokens = tokens.slice(students);
  const examTokens = tokens.slice(0, students);
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, procStatus(api.child.pid).rssKb);
  }, 100);

  const phases: Phase[] = [];
  const results: Partial<
    Record<TargetName, { throughput: number; checks: Checks; cpuMs: number }>
  > = {};
  let failedChecks = 0;
  for (const target of targets) {
    const warm = await burst(target, bases[target], exams[target].warmupQuizId, warmupTokens);
    if (warm.start.failed || warm.submit.failed) {
      log(`${target} warm-up failed: ${JSON.stringify(warm.firstError)}`);
    }
    const pid = target === 'api' ? api.child.pid : raw.child.pid;
    const cpuBefore = cpuSeconds(pid);
    const run = await burst(target, bases[target], exams[target].quizId, examTokens);
    const cpuMs = ((cpuSeconds(pid) - cpuBefore) * 1000) / students;
    phases.push(run.start, run.submit);
    if (run.firstError) log(`${target}: first failure: ${JSON.stringify(run.firstError)}`);
    const checks = await check(exams[target]);
    const throughput = students / ((run.start.wall + run.submit.wall) / 1000);
    results[target] = { throughput, checks, cpuMs };
    const expected: Checks = {
      attempts: students,
      graded: students,
      full_marks: students,
      submitted_events: students,
      completions: students,
      completed_events: students,
    };
    for (const [key, value] of Object.entries(expected)) {
      const ok = checks[key as keyof Checks] === value;
      if (!ok) failedChecks++;
      console.log(
        `${ok ? 'PASS' : 'FAIL'} ${target}: ${key} = ${checks[key as keyof Checks]} (expected ${value})`,
      );
    }
    log(
      `${target}: ${throughput.toFixed(1)} students/s; start p95 ${fmt(run.start.p95)} ms, ` +
        `submit p95 ${fmt(run.submit.p95)} ms`,
    );
  }
  clearInterval(sampler);
  const hwmMb = procStatus(api.child.pid).hwmKb / 1024;

  console.log(
    `\nExam burst, ${startedAt.toISOString()}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ` +
      `Node ${process.version}, ${students} students x 10 questions (lesson-tied, 30 min), ` +
      `DB_POOL_MAX ${poolMax}, API flags [${nodeFlags.join(' ')}]\n`,
  );
  console.log(
    '| target | phase  | requests | ok    | failed | p50 ms | p95 ms | max ms | wall ms | load1 before/after |',
  );
  console.log(
    '| ------ | ------ | -------: | ----: | -----: | -----: | -----: | -----: | ------: | ------------------ |',
  );
  for (const p of phases) {
    const failures = p.failed ? ` (${JSON.stringify(p.failures)})` : '';
    console.log(
      `| ${p.target.padEnd(6)} | ${p.phase.padEnd(6)} | ${String(p.requests).padStart(8)} | ` +
        `${String(p.ok).padStart(5)} | ${String(p.failed).padStart(6)}${failures} | ${fmt(p.p50).padStart(6)} | ` +
        `${fmt(p.p95).padStart(6)} | ${fmt(p.max).padStart(6)} | ${fmt(p.wall).padStart(7)} | ` +
        `${p.load1Before.toFixed(1)} / ${p.load1After.toFixed(1)} |`,
    );
  }
  for (const target of targets) {
    const { throughput, cpuMs } = results[target]!;
    console.log(
      `${target} throughput: ${throughput.toFixed(1)} students/s; ` +
        `server CPU ${cpuMs.toFixed(1)} ms per student (start + submit)`,
    );
  }
  const goals: Array<[string, boolean]> = [];
  if (results.api && results.raw) {
    const ratio = results.api.throughput / results.raw.throughput;
    console.log(`API / raw throughput: ${ratio.toFixed(2)}x`);
    goals.push([`throughput >= 0.5x the raw server (${ratio.toFixed(2)}x)`, ratio >= 0.5]);
  }
  const failures = phases.reduce((sum, p) => sum + p.failed, 0);
  goals.push([`zero failed requests (${failures})`, failures === 0]);
  goals.push([`every database check (${failedChecks} failed)`, failedChecks === 0]);
  if (targets.includes('api')) {
    console.log(
      `API peak RSS: ${(peakRssKb / 1024).toFixed(0)} MB sampled, VmHWM ${hwmMb.toFixed(0)} MB`,
    );
    goals.push([`API peak RSS < 300 MB (${hwmMb.toFixed(0)} MB)`, hwmMb < 300]);
  }
  console.log(
    `load average now: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const [goal, ok] of goals) console.log(`goal: ${goal}: ${ok ? 'met' : 'NOT met'}`);
  if (argv.json) {
    await writeFile(
      resolve(argv.json),
      JSON.stringify({ startedAt, students, poolMax, phases, results, hwmMb }, null, 2),
    );
  }
  return failures === 0 && failedChecks === 0 ? 0 : 1;
}

const limit = setTimeout(() => {
  log(`global limit of ${GLOBAL_LIMIT_MS / 60_000} min reached: stopping`);
  void cleanup().finally(() => process.exit(1));
}, GLOBAL_LIMIT_MS);

export async function runExam(): Promise<number> {
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    log(`failed: ${message(error)}`);
  } finally {
    await cleanup();
    clearTimeout(limit);
  }
  return code;
}

void runExam().then((code) => process.exit(code));
