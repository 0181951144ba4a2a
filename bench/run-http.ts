/**
 * HTTP load test of the production build: `npm run bench` (builds, then runs this file with
 * `ts-node --transpile-only`).
 *
 * 1. A scratch database: BENCH_DATABASE_URL when set (loopback only; it must be empty, or a
 *    database this script seeded before, which is reused as it is), else `lms_bench_http` on
 *    postgres://postgres@127.0.0.1:5432, created at the start (dropped first if a crashed run
 *    left it) and dropped at the end (unless --keep-db).
 * 2. `node dist/cli migration:run`, then the project's own seed, `node dist/seed/seed --profile
 *    scale --students N --courses 24 --lessons 6 --progress-per-student 5` (src/seed/
 *    scale-profile.ts): 24 published courses with lessons (so the catalogue page holds 20), the
 *    "big course" (scale-course-1, 10 lessons) with --students enrollments (lesson progress,
 *    graded attempts) for the analytics scenario, every student in 0-4 other courses.
 * 3. `node dist/main` and `node dist/worker` as in production (NODE_ENV=production, a random
 *    JWT_SECRET, Redis at BENCH_REDIS_URL with a key prefix of its own, JOBS_INLINE=false,
 *    RATE_LIMIT_ENABLED=false, LOG_LEVEL=warn), started, given free ports and awaited on /ready
 *    through test/utils/processes.ts; the big course's instructor then creates and publishes
 *    the "Bench quiz" over HTTP (one question of each type, 30 min, no attempt limit), and the
 *    script waits for the outbox to drain.
 * 4. Tokens through POST /api/v1/auth/login, then autocannon per scenario: a warm-up that is not
 *    recorded, then --duration seconds at --connections (16). Scenarios (names for --only):
 *      catalogue           GET /courses, anonymous: the public page, cached 30 s in Redis, so
 *                          served from the cache after the first call
 *      catalogue-uncached  GET /courses with an admin token: admins bypass the cache (the same
 *                          rows, since every seeded course is published)
 *      raw-catalogue       the ceiling, see 5.
 *      course-by-id        GET /courses/:id, anonymous (cached 30 s too)
 *      my-courses          GET /enrollments/my-courses, a student with 4 enrollments
 *      course-analytics    GET /analytics/courses/:id of the big course, by its instructor: the
 *                          first call is timed on its own (computed), the load is then served
 *                          from the 60 s analytics cache
 *      quiz-start-submit   POST /quizzes/:id/attempts then POST /attempts/:id/submit (right
 *                          answers), each connection taking a free student out of 32
 *      login               POST /auth/login at --login-connections (4): argon2 is CPU-bound
 *    The API process's RSS is sampled every 100 ms (peak per scenario), its VmHWM read at the
 *    end, and its CPU time per scenario gives CPU ms per request (steadier than req/s when
 *    other jobs share the machine).
 * 5. The practical ceiling: bench/raw-catalogue-server.mjs (bare node:http + pg) answers the same
 *    catalogue page from the same rows (its JSON is compared with the API's), loaded the same
 *    way; the API/raw ratios are printed, with the goals (cached >= 80 %, uncached >= 50 %, p99
 *    < 50 ms, RSS < 300 MB).
 *
 * Only 127.0.0.1 is contacted. Every phase is bounded (global limit 20 min); children are killed,
 * the database dropped and the Redis keys removed on any exit path. Nothing secret is printed.
 * Exit code 0, or 1 when a request failed (socket error, timeout or non-2xx) or a step failed.
 *
 *   npm run bench                                   # build + everything
 *   npm run bench -- --rounds 3 --json /tmp/http.json
 *   npx ts-node --transpile-only bench/run-http.ts --duration 5 --only catalogue,raw-catalogue
 *   npx ts-node --transpile-only bench/run-http.ts --cpu-prof /tmp/prof --only catalogue-uncached
 *
 * Options: --duration S (10), --warmup S (2), --connections N (16), --login-connections N (4),
 * --students N (20000: big-course enrollments, at least 64), --only a,b,... (scenario names),
 * --rounds N (1: repeat the catalogue / catalogue-uncached / raw-catalogue trio N times,
 * interleaved, and judge the ratio by the median), --node-flags=... (Node/V8 flags for the API;
 * absent: the Dockerfile's NODE_OPTIONS, as deployed; `--node-flags=` for none), --cpu-prof DIR (run the API with
 * --cpu-prof into DIR and print its top functions), --json FILE (results), --keep-db.
 * Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_PG_ADMIN_URL
 * (postgres://postgres@127.0.0.1:5432/postgres, to create and drop the scratch database),
 * DB_POOL_MAX (10, for the API and the raw server alike).
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { BIG_COURSE_SLUG, SCALE_DOMAIN, SCALE_QUESTIONS } from '../src/seed/scale-profile';
import {
  EntryPoint,
  freePort,
  NodeProcess,
  runEntryPoint,
  waitForHttp,
} from '../test/utils/processes';
import { Teardown } from './lib/teardown';
import { loopbackUrl } from './lib/loopback';
import { apiNodeFlags } from './lib/node-flags';
import { withClient } from './lib/pg';
import { cpuSeconds, procStatus } from './lib/proc';
import { percentile } from './lib/stats';

const ROOT = resolve(__dirname, '..');
const GLOBAL_LIMIT_MS = 20 * 60_000;
const BOOT_LIMIT_MS = 90_000;
const OUTBOX_DRAIN_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 20_000;
const REQUEST_TIMEOUT_S = 10;
const DEFAULT_DB_NAME = 'lms_bench_http';
/** The scale seed's shape: 24 courses (a catalogue page of 20), 6 lessons, the big course 2 x 5. */
const SEED_COURSES = 24;
const SEED_LESSONS = 6;
const SEED_PROGRESS_PER_STUDENT = 5;
/** The course of the course-by-id scenario, and the student of my-courses (4 enrollments). */
const COURSE_BY_ID_SLUG = 'scale-course-2';
const MY_COURSES_STUDENT = 3;
const BENCH_QUIZ_TITLE = 'Bench quiz';
/** Students who log in (quiz takers, my-courses, login scenario). */
const ACTIVE_STUDENTS = 64;
const QUIZ_STUDENTS = 32;
/** The one password of every account (a throwaway scratch database; never printed). */
const PASSWORD = 'bench-Passw0rd';

// ---------------------------------------------------------------------------------------------
// Options

const { values: argv } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
    'login-connections': { type: 'string', default: '4' },
    students: { type: 'string', default: '20000' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    'keep-db': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
    'node-flags': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (argv.help) {
  const header = readFileSync(__filename, 'utf8').split('*/')[0];
  console.log(header.replace(/^\/\*\*|^ \* ?/gm, ''));
  process.exit(0);
}

type IntOption =
  'duration' | 'warmup' | 'connections' | 'login-connections' | 'students' | 'rounds';

function intOption(name: IntOption, min: number, max: number): number {
  const value = Number(argv[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer between ${min} and ${max}`);
    process.exit(2);
  }
  return value;
}

const OPTIONS = {
  duration: intOption('duration', 1, 120),
  warmup: intOption('warmup', 0, 30),
  connections: intOption('connections', 1, 256),
  loginConnections: intOption('login-connections', 1, 64),
  students: intOption('students', ACTIVE_STUDENTS, 500_000),
  only: argv.only ? new Set(argv.only.split(',').map((s) => s.trim())) : null,
  cpuProfDir: argv['cpu-prof'] ? resolve(argv['cpu-prof']) : null,
  json: argv.json ? resolve(argv.json) : null,
  keepDb: argv['keep-db'],
  rounds: intOption('rounds', 1, 10),
  nodeFlags: apiNodeFlags(argv['node-flags']),
  poolMax: Number(process.env.DB_POOL_MAX ?? 10),
};
if (!Number.isInteger(OPTIONS.poolMax) || OPTIONS.poolMax < 1 || OPTIONS.poolMax > 100) {
  console.error('DB_POOL_MAX must be an integer between 1 and 100');
  process.exit(2);
}

const ADMIN_DB_URL = loopbackUrl(
  'BENCH_PG_ADMIN_URL',
  process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
const REDIS_URL = loopbackUrl(
  'BENCH_REDIS_URL',
  process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
).toString();
const OWN_DB = !process.env.BENCH_DATABASE_URL;
const DB_URL = OWN_DB
  ? Object.assign(new URL(ADMIN_DB_URL), { pathname: `/${DEFAULT_DB_NAME}` }).toString()
  : loopbackUrl('BENCH_DATABASE_URL', process.env.BENCH_DATABASE_URL ?? '').toString();
const REDIS_PREFIX = `lmsbench${process.pid}`;

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** Database name without credentials, for messages. */
const dbLabel = (url: string) => `${new URL(url).host}${new URL(url).pathname}`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Last lines of a child's output (the password masked), shown only when something fails. */
function tail(output: string, lines = 40): string[] {
  return output
    .split('\n')
    .filter(Boolean)
    .slice(-lines)
    .map((line) => line.replaceAll(PASSWORD, '***'))
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}...` : line));
}

const mb = (kb: number) => kb / 1024;

// ---------------------------------------------------------------------------------------------
// Cleanup: every resource registers how to release it; run once, in reverse order.

const teardown = new Teardown(log, STOP_LIMIT_MS);
const cleanup = () => teardown.run();
const stopChild = (child: ChildProcess, name: string) => teardown.stop(child, name);

// ---------------------------------------------------------------------------------------------
// Database

async function prepareDatabase(): Promise<void> {
  if (OWN_DB) {
    await withClient(ADMIN_DB_URL, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${DEFAULT_DB_NAME} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${DEFAULT_DB_NAME}`);
    });
    if (!OPTIONS.keepDb) {
      teardown.add(async () => {
        await withClient(ADMIN_DB_URL, (client) =>
          client.query(`DROP DATABASE IF EXISTS ${DEFAULT_DB_NAME} WITH (FORCE)`),
        );
        log(`dropped ${DEFAULT_DB_NAME}`);
      });
    }
    log(`scratch database ${dbLabel(DB_URL)} created`);
  } else {
    log(`using BENCH_DATABASE_URL (${dbLabel(DB_URL)}); it is left in place`);
  }
}

const JWT_SECRET = randomBytes(48).toString('base64url');
// Production refuses to start without a data key of its own and a metrics token.
const DATA_ENCRYPTION_KEY = randomBytes(48).toString('base64url');
const METRICS_TOKEN = randomBytes(24).toString('base64url');
let DATA_DIR = '';

/** Environment shared by the CLI, the seed, the API and the worker: production settings. */
function appEnvironment(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const keep = ['LANG', 'TZ', 'TMPDIR'];
  const env = Object.fromEntries(
    keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  return {
    ...env,
    NODE_ENV: 'production',
    JWT_SECRET,
    DATA_ENCRYPTION_KEY,
    METRICS_TOKEN,
    DATABASE_URL: DB_URL,
    REDIS_URL,
    REDIS_PREFIX,
    JOBS_INLINE: 'false',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DB_MIGRATE_ON_START: 'false',
    DB_POOL_MAX: String(OPTIONS.poolMax),
    API_DOCS_ENABLED: 'false',
    DATA_DIR,
    ...extra,
  };
}

/** An entry point run to its end (the CLI, the seed); its output, or an error with its tail. */
async function runToEnd(entry: EntryPoint, args: string[], limitMs: number): Promise<string> {
  const run = runEntryPoint(entry, appEnvironment(), args);
  teardown.track(run.child);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), limitMs);
  const code = await run.exited;
  clearTimeout(timer);
  teardown.untrack(run.child);
  if (code !== 0) {
    const command = args.map((arg) => (arg === PASSWORD ? '***' : arg)).join(' ');
    throw new Error(
      `node dist/${entry} ${command} failed (${code ?? run.child.signalCode}):\n` +
        tail(run.output(), 10).join('\n'),
    );
  }
  return run.output();
}

interface Facts {
  published: number;
  with_lessons: number;
  big_enrollments: number;
  progress: number;
  attempts: number;
  big_id: string;
  course_id: string;
  instructor: string;
  admin: string;
  my_courses_enrollments: number;
  quiz_id: string | null;
}

const studentEmail = (i: number) => `student${i}@${SCALE_DOMAIN}`;

/** Migrations, then the scale profile of the project's seed (unless this script seeded it). */
async function seed(): Promise<Facts> {
  await runToEnd('cli', ['migration:run'], 120_000);
  log('migrations applied');
  const seeded = await withClient(DB_URL, async (client) => {
    const { rows } = await client.query<{ big: number }>(
      'SELECT count(*)::int AS big FROM courses WHERE slug = $1',
      [BIG_COURSE_SLUG],
    );
    return rows[0].big > 0;
  });
  if (seeded) {
    log('database already seeded by this script: reused as it is');
  } else {
    // The seed refuses a database that has users (exit 1, with its own message).
    const out = await runToEnd(
      'seed/seed',
      [
        ...['--profile', 'scale', '--students', String(OPTIONS.students)],
        ...['--courses', String(SEED_COURSES), '--lessons', String(SEED_LESSONS)],
        ...['--progress-per-student', String(SEED_PROGRESS_PER_STUDENT), '--password', PASSWORD],
      ],
      15 * 60_000,
    );
    // Only the summary line: the rest lists logins (with the password).
    log(`seed: ${out.split('\n').find((line) => line.startsWith('scale seeded')) ?? 'done'}`);
  }
  return withClient(DB_URL, async (client) => {
    const { rows } = await client.query<Facts>(
      `SELECT (SELECT count(*)::int FROM courses WHERE is_published) AS published,
              (SELECT count(*)::int FROM courses c WHERE is_published
                  AND EXISTS (SELECT 1 FROM lessons l WHERE l.course_id = c.id)) AS with_lessons,
              (SELECT count(*)::int FROM enrollments e JOIN courses c ON c.id = e.course_id
                WHERE c.slug = $1) AS big_enrollments,
              (SELECT count(*)::int FROM lesson_progress) AS progress,
              (SELECT count(*)::int FROM quiz_attempts) AS attempts,
              (SELECT c.id FROM courses c WHERE c.slug = $1) AS big_id,
              (SELECT c.id FROM courses c WHERE c.slug = $2) AS course_id,
              (SELECT u.email FROM courses c JOIN users u ON u.id = c.instructor_id
                WHERE c.slug = $1) AS instructor,
              (SELECT email FROM users WHERE role = 'admin' ORDER BY email LIMIT 1) AS admin,
              (SELECT count(*)::int FROM enrollments e JOIN users u ON u.id = e.student_id
                WHERE u.email = $3) AS my_courses_enrollments,
              (SELECT q.id FROM quizzes q JOIN courses c ON c.id = q.course_id
                WHERE c.slug = $1 AND q.title = $4) AS quiz_id`,
      [BIG_COURSE_SLUG, COURSE_BY_ID_SLUG, studentEmail(MY_COURSES_STUDENT), BENCH_QUIZ_TITLE],
    );
    const facts = rows[0];
    log(
      `data: ${facts.published} published courses (${facts.with_lessons} with lessons), big ` +
        `course ${facts.big_enrollments} enrollments, ${facts.progress} lesson_progress rows, ` +
        `${facts.attempts} quiz attempts`,
    );
    return facts;
  });
}

// ---------------------------------------------------------------------------------------------
// Processes (test/utils/processes.ts: the built entry points, free ports, readiness over HTTP)

/** Waits for url to answer 200, failing at once when the process exits first. */
async function waitReady(url: string, proc: NodeProcess, name: string): Promise<void> {
  let ready = false;
  try {
    await Promise.race([
      waitForHttp(url, BOOT_LIMIT_MS),
      proc.exited.then((code) => {
        if (!ready) throw new Error(`exited (${code ?? proc.child.signalCode})`);
      }),
    ]);
    ready = true;
  } catch (error) {
    for (const line of tail(proc.output())) log(`  ${name}: ${line}`);
    throw new Error(`${name} did not become ready (${url}): ${message(error)}`, { cause: error });
  }
}

async function startApp(port: number, workerPort: number) {
  const profArgs = OPTIONS.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${OPTIONS.cpuProfDir}`] : [];
  if (OPTIONS.cpuProfDir) await mkdir(OPTIONS.cpuProfDir, { recursive: true });
  const api = runEntryPoint(
    'main',
    appEnvironment({ PORT: String(port), APP_PUBLIC_URL: `http://127.0.0.1:${port}` }),
    [],
    [...OPTIONS.nodeFlags, ...profArgs],
  );
  const worker = runEntryPoint(
    'worker',
    appEnvironment({ WORKER_HEALTH_PORT: String(workerPort) }),
  );
  for (const proc of [api, worker]) teardown.track(proc.child);
  teardown.add(() => stopChild(worker.child, 'worker'));
  teardown.add(() => stopChild(api.child, 'api'));
  for (const [proc, name] of [
    [api, 'api'],
    [worker, 'worker'],
  ] as const) {
    void proc.exited.then((code) => {
      if (teardown.started) return;
      // Exit code 0 means a SIGTERM/SIGINT from outside (graceful shutdown).
      log(`${name} exited unexpectedly (${code ?? proc.child.signalCode}); last output:`);
      for (const line of tail(proc.output())) log(`  ${name}: ${line}`);
    });
  }
  await Promise.all([
    waitReady(`http://127.0.0.1:${port}/api/v1/ready`, api, 'api'),
    waitReady(`http://127.0.0.1:${workerPort}/ready`, worker, 'worker'),
  ]);
  return { api: api.child, worker: worker.child };
}

async function waitOutboxDrained(): Promise<void> {
  const until = Date.now() + OUTBOX_DRAIN_LIMIT_MS;
  await withClient(DB_URL, async (client) => {
    for (;;) {
      const { rows } = await client.query<{ pending: number }>(
        'SELECT count(*)::int AS pending FROM outbox_messages WHERE sent_at IS NULL',
      );
      if (rows[0].pending === 0) return;
      if (Date.now() > until) {
        log(`outbox still has ${rows[0].pending} unsent messages; going on`);
        return;
      }
      await sleep(500);
    }
  });
  // The relayed jobs (mails, certificates) run in the worker: let them finish.
  await sleep(3000);
}

interface RawServer {
  child: ChildProcess;
  port: number;
  base: string;
  hwmMb?: number;
}

async function startRaw(): Promise<RawServer> {
  const child = fork(join(ROOT, 'bench/raw-catalogue-server.mjs'), [], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      RAW_DATABASE_URL: DB_URL,
      DB_POOL_MAX: String(OPTIONS.poolMax),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  teardown.track(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  teardown.add(() => stopChild(child, 'raw server'));
  const port = await new Promise<number>((done, fail) => {
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      for (const line of tail(output)) log(`  raw: ${line}`);
      fail(new Error(`raw server exited (${code})`));
    };
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      fail(new Error('raw server did not start'));
    }, 15_000);
    child.once('exit', onExit);
    child.once('message', (reply: { port: number }) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      done(reply.port);
    });
  });
  return { child, port, base: `http://127.0.0.1:${port}` };
}

async function cleanRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    let removed = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
    log(`removed ${removed} Redis keys under ${REDIS_PREFIX}:`);
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Envelope<T> {
  data?: T;
}

async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
): Promise<{ status: number; json: Envelope<T> | null }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Envelope<T>) : null };
}

async function login(base: string, email: string): Promise<string> {
  const res = await call<{ tokens?: { accessToken?: string } }>(
    base,
    'POST',
    '/api/v1/auth/login',
    {
      body: { email, password: PASSWORD },
    },
  );
  const token = res.json?.data?.tokens?.accessToken;
  if (res.status !== 200 || !token) throw new Error(`login of ${email} failed with ${res.status}`);
  return token;
}

/** Tokens in batches of 4 (argon2 is CPU-bound: more at once only queues). */
async function loginAll(base: string, emails: string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < emails.length; i += 4) {
    tokens.push(...(await Promise.all(emails.slice(i, i + 4).map((e) => login(base, e)))));
  }
  return tokens;
}

type Answer = string | string[] | boolean | undefined;

/** The Bench quiz's questions: the scale seed's, one of each type, 10 points. */
const QUESTIONS = SCALE_QUESTIONS;

/**
 * The quiz of the quiz-start-submit scenario, made by the big course's instructor through the
 * API: 30 minutes, passing at 70 %, no attempt limit (students take it again and again), not
 * tied to a lesson. The seeded quizzes allow 3 attempts, too few for a load test.
 */
async function createBenchQuiz(base: string, courseId: string, token: string): Promise<string> {
  const check = (what: string, res: { status: number }, expected: number) => {
    if (res.status !== expected) throw new Error(`${what} answered ${res.status}`);
  };
  const quiz = await call<{ id: string }>(base, 'POST', `/api/v1/courses/${courseId}/quizzes`, {
    token,
    body: {
      title: BENCH_QUIZ_TITLE,
      description: 'One question of each type.',
      timeLimitMinutes: 30,
      passingScorePercentage: 70,
      maxAttempts: null,
    },
  });
  check('creating the bench quiz', quiz, 201);
  const quizId = quiz.json?.data?.id ?? '';
  for (const q of QUESTIONS) {
    const res = await call(base, 'POST', `/api/v1/quizzes/${quizId}/questions`, {
      token,
      body: {
        text: q.text,
        type: q.type,
        ...(q.options ? { options: q.options } : {}),
        correctAnswer: q.answer,
        points: q.points,
      },
    });
    check(`adding a ${q.type} question`, res, 201);
  }
  check(
    'publishing the bench quiz',
    await call(base, 'POST', `/api/v1/quizzes/${quizId}/publish`, { token }),
    200,
  );
  return quizId;
}

interface AttemptQuestion {
  id: string;
  text: string;
  type: string;
  options?: string[] | null;
}

/** Right answers to an attempt's questions, by type (the started attempt lists the options). */
function answersFor(questions: AttemptQuestion[]) {
  return questions.map((q) => {
    const known = QUESTIONS.find((item) => item.text === q.text);
    const fallback: Record<string, Answer> = {
      multiple_choice: q.options?.[0],
      multiple_select: q.options?.slice(0, 1),
      true_false: true,
      short_answer: 'x',
    };
    return { questionId: q.id, answer: known ? known.answer : fallback[q.type] };
  });
}

interface Target {
  name: string;
  base: string;
  pid: number | undefined;
}

interface Scenario {
  name: string;
  connections: number;
  autocannon?: Partial<autocannon.Options> & { path?: string };
  headers?: Record<string, string>;
  note?: string;
  raw?: boolean;
  before?: () => Promise<string>;
}

interface Row {
  scenario: string;
  target: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
  cpuPercent: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
  load1: number;
  note: string;
  base?: string;
}

/** autocannon once (warm-up unrecorded, then the measured run), with RSS and CPU sampling. */
async function load(name: string, target: Target, scenario: Omit<Scenario, 'name'>): Promise<Row> {
  const alive = (pid: number | undefined) =>
    existsSync(`/proc/${pid}`) && procStatus(pid).rssKb > 0;
  if (!alive(target.pid)) throw new Error(`${target.name} (pid ${target.pid}) is not running`);
  // autocannon takes a single request's path from `url` (a `path` option is ignored there).
  const { path = '', ...rest } = scenario.autocannon ?? {};
  const base: autocannon.Options = {
    url: `${target.base}${path}`,
    connections: scenario.connections,
    timeout: REQUEST_TIMEOUT_S,
    headers: scenario.headers ?? {},
    ...rest,
  };
  if (OPTIONS.warmup > 0) {
    await autocannon({ ...base, duration: OPTIONS.warmup });
  }
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, procStatus(target.pid).rssKb);
  }, 100);
  const load1 = os.loadavg()[0];
  const cpuBefore = cpuSeconds(target.pid);
  const started = process.hrtime.bigint();
  const instance = autocannon({ ...base, duration: OPTIONS.duration });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await instance;
  if (!alive(target.pid)) throw new Error(`${target.name} stopped during ${name}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peakRssKb = Math.max(peakRssKb, procStatus(target.pid).rssKb);
  latencies.sort((a, b) => a - b);
  const row: Row = {
    scenario: name,
    target: target.name,
    connections: scenario.connections,
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statuses: Object.fromEntries(statuses),
    cpuPercent: ((cpuSeconds(target.pid) - cpuBefore) / seconds) * 100,
    cpuMsPerRequest: ((cpuSeconds(target.pid) - cpuBefore) * 1000) / Math.max(1, latencies.length),
    peakRssMb: mb(peakRssKb),
    load1,
    note: scenario.note ?? '',
  };
  log(
    `${name.padEnd(20)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50.toFixed(1)} ` +
      `p95 ${row.p95.toFixed(1)} p99 ${row.p99.toFixed(1)} ms  errors ${row.errors} ` +
      `non-2xx ${row.non2xx}  cpu ${row.cpuPercent.toFixed(0)} %  rss ${row.peakRssMb.toFixed(0)} MB`,
  );
  return row;
}

interface QuizContext {
  student?: { token: string; index: number };
  attemptId?: string;
  answers?: ReturnType<typeof answersFor>;
}

/**
 * The quiz sequence: each connection takes a free student, starts an attempt, submits right
 * answers and gives the student back (one open attempt per student at a time; the quiz has no
 * attempt limit). Requests of both kinds are counted.
 */
function quizSequence(quizId: string, tokens: string[]): Partial<autocannon.Options> {
  const free = tokens.map((token, index) => ({ token, index }));
  let spare = 0;
  const release = (context: QuizContext) => {
    if (context.student && context.student.index >= 0) free.push(context.student);
    context.student = undefined;
  };
  const steps: Array<autocannon.RequestStep<QuizContext>> = [
    {
      method: 'POST',
      path: `/api/v1/quizzes/${quizId}/attempts`,
      setupRequest: (req, context) => {
        context.student = free.shift() ?? { token: tokens[spare++ % tokens.length], index: -1 };
        context.attemptId = undefined;
        return { ...req, headers: { authorization: `Bearer ${context.student.token}` } };
      },
      onResponse: (status, body, context) => {
        if (status === 201) {
          const { data } = JSON.parse(body) as Envelope<{
            attempt: { id: string };
            questions: AttemptQuestion[];
          }>;
          context.attemptId = data?.attempt.id;
          context.answers = answersFor(data?.questions ?? []);
        } else {
          release(context);
        }
      },
    },
    {
      method: 'POST',
      setupRequest: (req, context) => {
        if (!context.attemptId || !context.student) return null;
        return {
          ...req,
          path: `/api/v1/attempts/${context.attemptId}/submit`,
          headers: {
            authorization: `Bearer ${context.student.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ answers: context.answers }),
        };
      },
      onResponse: (_status, _body, context) => release(context),
    },
  ];
  return { requests: steps };
}

function loginSequence(emails: string[]): Partial<autocannon.Options> {
  let next = 0;
  const step: autocannon.RequestStep<unknown> = {
    method: 'POST',
    path: '/api/v1/auth/login',
    setupRequest: (req) => ({
      ...req,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: emails[next++ % emails.length], password: PASSWORD }),
    }),
  };
  return { requests: [step] };
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary

interface CpuProfile {
  samples: number[];
  nodes: Array<{
    hitCount?: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
}

async function summariseProfiles(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const total = profile.samples.length;
    const byFunction = new Map<string, number>();
    const byPackage = new Map<string, number>();
    for (const node of profile.nodes) {
      if (!node.hitCount) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.replace(`file://${ROOT}/`, '').replace(/^.*node_modules\//, '');
      const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
      const pkg =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
        (url.startsWith('node:') || !url
          ? `(${functionName || 'native'})`
          : url.includes('/dist/')
            ? 'app (dist)'
            : url);
      const group = ['(idle)', '(program)', '(garbage collector)'].includes(pkg)
        ? pkg
        : pkg.startsWith('(')
          ? 'node internals / native'
          : pkg;
      byPackage.set(group, (byPackage.get(group) ?? 0) + node.hitCount);
    }
    const top = (map: Map<string, number>, n: number) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([key, hits]) => `  ${((hits / total) * 100).toFixed(1).padStart(5)} %  ${key}`)
        .join('\n');
    console.log(`\nCPU profile ${join(dir, file)} (${total} samples)\nself time by package:`);
    console.log(top(byPackage, 15));
    console.log('self time by function:');
    console.log(top(byFunction, 30));
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function printTable(rows: Row[], hwmMb: number, rawHwmMb: number | undefined): void {
  const head = [
    'scenario',
    'conns',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'errors',
    'non-2xx',
    'CPU %',
    'CPU ms/req',
    'peak RSS MB',
    'load1',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.connections),
    r.rps.toFixed(0),
    r.p50.toFixed(1),
    r.p95.toFixed(1),
    r.p99.toFixed(1),
    r.max.toFixed(0),
    String(r.errors),
    String(r.non2xx),
    r.cpuPercent.toFixed(0),
    r.cpuMsPerRequest.toFixed(2),
    r.peakRssMb.toFixed(0),
    r.load1.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(fmt(head));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w - 1)}:-`)).join('|')}|`,
  );
  for (const line of lines) console.log(fmt(line));
  const notes = new Map(rows.filter((r) => r.note).map((r) => [r.base, r.note]));
  for (const [name, note] of notes) console.log(`  ${name}: ${note}`);
  console.log(`API process peak RSS (VmHWM, whole run): ${hwmMb.toFixed(0)} MB`);
  if (rawHwmMb) console.log(`raw server peak RSS (VmHWM): ${rawHwmMb.toFixed(0)} MB`);
}

const selected = (name: string) => !OPTIONS.only || OPTIONS.only.has(name);

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    throw new Error('dist/main.js is missing: run `npm run build` first (or `npm run bench`)');
  }
  const startedAt = new Date();
  DATA_DIR = await mkdtemp(join(os.tmpdir(), 'lms-bench-http-'));
  teardown.add(() => rm(DATA_DIR, { recursive: true, force: true }));
  teardown.add(() => cleanRedis());

  await prepareDatabase();
  const facts = await seed();

  const [port, workerPort] = [await freePort(), await freePort()];
  const { api } = await startApp(port, workerPort);
  const base = `http://127.0.0.1:${port}`;
  log(`API (pid ${api.pid}) and worker ready on 127.0.0.1`);

  const [adminToken, instructorToken] = await loginAll(base, [facts.admin, facts.instructor]);
  const quizEmails = Array.from({ length: QUIZ_STUDENTS }, (_, i) => studentEmail(i + 1));
  // Students log in only for the scenarios that use them: argon2's memory stays in the process
  // (malloc arenas), so logins the run does not need would inflate the API's RSS figures.
  const needsStudents = ['my-courses', 'quiz-start-submit'].some(selected);
  const quizTokens = needsStudents ? await loginAll(base, quizEmails) : [];
  const studentToken = quizTokens[MY_COURSES_STUDENT - 1] ?? '';
  log(`${2 + quizTokens.length} tokens obtained`);
  const quizId = selected('quiz-start-submit')
    ? (facts.quiz_id ?? (await createBenchQuiz(base, facts.big_id, instructorToken)))
    : '';

  log('waiting for the outbox to drain');
  await waitOutboxDrained();
  const idleRssMb = mb(procStatus(api.pid).rssKb);
  log(`API RSS after start-up, before any load: ${idleRssMb.toFixed(0)} MB`);

  const apiTarget: Target = { name: 'api', base, pid: api.pid };
  const c = OPTIONS.connections;
  const rows: Row[] = [];
  let analyticsCold: { ms: number; status: number } | null = null;

  const scenarios: Scenario[] = [
    {
      name: 'catalogue',
      connections: c,
      autocannon: { path: '/api/v1/courses' },
      note: 'anonymous: served from the 30 s catalogue cache (Redis) after the first call',
    },
    {
      name: 'catalogue-uncached',
      connections: c,
      autocannon: { path: '/api/v1/courses' },
      headers: { authorization: `Bearer ${adminToken}` },
      note: 'admin token: bypasses the cache (same rows: every course is published)',
    },
    { name: 'raw-catalogue', raw: true, connections: c },
    {
      name: 'course-by-id',
      connections: c,
      autocannon: { path: `/api/v1/courses/${facts.course_id}` },
      note: 'anonymous: served from the 30 s course cache after the first call',
    },
    {
      name: 'my-courses',
      connections: c,
      autocannon: { path: '/api/v1/enrollments/my-courses' },
      headers: { authorization: `Bearer ${studentToken}` },
      note: `a student with ${facts.my_courses_enrollments} enrollments`,
    },
    {
      name: 'course-analytics',
      connections: c,
      autocannon: { path: `/api/v1/analytics/courses/${facts.big_id}` },
      headers: { authorization: `Bearer ${instructorToken}` },
      before: async () => {
        const t0 = performance.now();
        const res = await call(base, 'GET', `/api/v1/analytics/courses/${facts.big_id}`, {
          token: instructorToken,
        });
        analyticsCold = { ms: performance.now() - t0, status: res.status };
        return `first (uncached) call ${analyticsCold.ms.toFixed(0)} ms (${res.status}); then served from the 60 s analytics cache`;
      },
    },
    {
      name: 'quiz-start-submit',
      connections: c,
      autocannon: quizSequence(quizId, quizTokens),
      note: `start + submit by ${quizTokens.length} students in turn; req/s counts both requests`,
    },
    {
      name: 'login',
      connections: OPTIONS.loginConnections,
      autocannon: loginSequence(
        Array.from({ length: ACTIVE_STUDENTS }, (_, i) => studentEmail(i + 1)),
      ),
      note: `argon2id (19 MiB, t=2) per request: CPU-bound, ${OPTIONS.loginConnections} connections`,
    },
  ];

  // The catalogue trio runs first, --rounds times, interleaved; then the other scenarios.
  const trio = scenarios.slice(0, 3);
  const plan: Array<Scenario & { label: string }> = [];
  for (let round = 1; round <= OPTIONS.rounds; round++) {
    for (const scenario of trio) {
      plan.push({
        ...scenario,
        label: OPTIONS.rounds > 1 ? `${scenario.name}#${round}` : scenario.name,
      });
    }
  }
  plan.push(...scenarios.slice(3).map((scenario) => ({ ...scenario, label: scenario.name })));

  let raw: RawServer | null = null;
  let sameJson: boolean | null = null;
  for (const scenario of plan) {
    if (!selected(scenario.name)) continue;
    if (scenario.raw) {
      if (!raw) {
        raw = await startRaw();
        const [fromApi, fromRaw] = await Promise.all([
          call(base, 'GET', '/api/v1/courses'),
          call(raw.base, 'GET', '/api/v1/courses'),
        ]);
        sameJson = JSON.stringify(fromApi.json) === JSON.stringify(fromRaw.json);
        log(`raw server (pid ${raw.child.pid}) answers the same JSON as the API: ${sameJson}`);
      }
      const row = await load(
        scenario.label,
        { name: 'raw', base: raw.base, pid: raw.child.pid },
        {
          connections: scenario.connections,
          autocannon: { path: '/api/v1/courses' },
          note: `bare node:http + pg, ${sameJson ? 'same JSON as the API' : 'JSON DIFFERS from the API'}; CPU/RSS of the raw server`,
        },
      );
      rows.push({ ...row, base: scenario.name });
      raw.hwmMb = mb(procStatus(raw.child.pid).hwmKb);
      continue;
    }
    const note = scenario.before ? await scenario.before() : null;
    const row = await load(scenario.label, apiTarget, { ...scenario, note: note ?? scenario.note });
    rows.push({ ...row, base: scenario.name });
  }
  if (raw) await stopChild(raw.child, 'raw server');

  const hwmMb = mb(procStatus(api.pid).hwmKb);
  console.log(
    `\nHTTP load, ${startedAt.toISOString()}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ` +
      `Node ${process.version}, ${OPTIONS.duration} s per scenario after ${OPTIONS.warmup} s warm-up, ` +
      `DB_POOL_MAX ${OPTIONS.poolMax}, API flags [${OPTIONS.nodeFlags.join(' ')}], ` +
      `load average at start of each scenario in load1\n`,
  );
  printTable(rows, hwmMb, raw?.hwmMb);
  console.log(`API RSS after start-up, before any load: ${idleRssMb.toFixed(0)} MB`);

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const runsOf = (name: string) => rows.filter((r) => r.base === name);
  const ceilings = runsOf('raw-catalogue');
  const goals: Array<[string, boolean]> = [];
  const ratios: Record<string, number> = {};
  if (ceilings.length) {
    for (const name of ['catalogue', 'catalogue-uncached']) {
      const runs = runsOf(name);
      if (!runs.length) continue;
      const perRound = runs.map(
        (run, i) => run.rps / ceilings[Math.min(i, ceilings.length - 1)].rps,
      );
      ratios[name] = median(perRound);
      console.log(
        `${name} / raw ceiling: ${runs.map((r) => r.rps.toFixed(0)).join(', ')} / ` +
          `${ceilings.map((r) => r.rps.toFixed(0)).join(', ')} req/s = ` +
          `${perRound.map((x) => `${(x * 100).toFixed(0)} %`).join(', ')}` +
          (perRound.length > 1 ? ` (median ${(ratios[name] * 100).toFixed(0)} %)` : ''),
      );
    }
    if (ratios.catalogue !== undefined) {
      goals.push(['catalogue >= 80 % of the raw ceiling', ratios.catalogue >= 0.8]);
    }
    if (ratios['catalogue-uncached'] !== undefined) {
      goals.push([
        'uncached catalogue >= 50 % of the raw ceiling',
        ratios['catalogue-uncached'] >= 0.5,
      ]);
    }
  }
  const catalogueRuns = runsOf('catalogue');
  if (catalogueRuns.length && c === 16) {
    const p99 = median(catalogueRuns.map((r) => r.p99));
    goals.push([`catalogue p99 < 50 ms at 16 connections (${p99.toFixed(1)} ms)`, p99 < 50]);
    const rawRuns = runsOf('raw-catalogue');
    if (rawRuns.length) {
      console.log(
        `p99 at ${c} connections: catalogue ${catalogueRuns.map((r) => r.p99.toFixed(1)).join(', ')} ms, ` +
          `uncached ${runsOf('catalogue-uncached')
            .map((r) => r.p99.toFixed(1))
            .join(', ')} ms, ` +
          `raw ${rawRuns.map((r) => r.p99.toFixed(1)).join(', ')} ms`,
      );
    }
  }
  goals.push(['API peak RSS < 300 MB', hwmMb < 300]);
  for (const [goal, ok] of goals) console.log(`goal: ${goal}: ${ok ? 'met' : 'NOT met'}`);

  if (OPTIONS.json) {
    await writeFile(
      OPTIONS.json,
      JSON.stringify(
        {
          startedAt,
          options: OPTIONS,
          cpus: os.cpus().length,
          node: process.version,
          rows,
          hwmMb,
          idleRssMb,
          rawHwmMb: raw?.hwmMb ?? null,
          sameJson,
          ratios,
          analyticsCold,
        },
        null,
        2,
      ),
    );
  }
  return rows.some((r) => r.errors > 0 || r.non2xx > 0) ? 1 : 0;
}

const limit = setTimeout(() => {
  log(`global limit of ${GLOBAL_LIMIT_MS / 60_000} min reached: stopping`);
  void cleanup().finally(() => process.exit(1));
}, GLOBAL_LIMIT_MS);

async function run(): Promise<number> {
  let exitCode = 1;
  try {
    exitCode = await main();
  } catch (error) {
    log(`failed: ${message(error)}`);
  } finally {
    await cleanup();
    clearTimeout(limit);
  }
  if (OPTIONS.cpuProfDir && existsSync(OPTIONS.cpuProfDir)) {
    await summariseProfiles(OPTIONS.cpuProfDir);
  }
  return exitCode;
}

void run().then((code) => process.exit(code));
