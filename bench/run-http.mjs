/**
 * HTTP load test of the production build: `npm run bench` (builds, then runs this file).
 *
 * 1. A scratch database: BENCH_DATABASE_URL when set (loopback only; it must be empty, or a
 *    database this script seeded before, which is reused as it is), else `lms_bench_http` on
 *    postgres://postgres@127.0.0.1:5432, created at the start (dropped first if a crashed run
 *    left it) and dropped at the end (unless --keep-db).
 * 2. `node dist/cli migration:run`, `node dist/seed/seed --profile demo` (SQL fallback for the
 *    staff accounts if the seed cannot run), then extra rows in SQL: 24 published courses with
 *    lessons (so the catalogue page holds 20), and a "big course" with a published quiz and
 *    --students enrollments (lesson progress, graded attempts) for the analytics scenario.
 * 3. `node dist/main` and `node dist/worker` as in production (NODE_ENV=production, a random
 *    JWT_SECRET, Redis at BENCH_REDIS_URL with a key prefix of its own, JOBS_INLINE=false,
 *    RATE_LIMIT_ENABLED=false, LOG_LEVEL=warn); waits for /ready and for the outbox to drain.
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
 *    way; the API/raw ratios are printed, with the goals (>= 50 %, p99 < 50 ms, RSS < 300 MB).
 *
 * Only 127.0.0.1 is contacted. Every phase is bounded (global limit 20 min); children are killed,
 * the database dropped and the Redis keys removed on any exit path. Nothing secret is printed.
 * Exit code 0, or 1 when a request failed (socket error, timeout or non-2xx) or a step failed.
 *
 *   npm run bench                                   # build + everything
 *   npm run bench -- --rounds 3 --json /tmp/http.json
 *   node bench/run-http.mjs --duration 5 --only catalogue,raw-catalogue
 *   node bench/run-http.mjs --cpu-prof /tmp/prof --only catalogue-uncached --duration 20
 *
 * Options: --duration S (10), --warmup S (2), --connections N (16), --login-connections N (4),
 * --students N (20000: big-course enrollments), --only a,b,... (scenario names), --rounds N (1:
 * repeat the catalogue / catalogue-uncached / raw-catalogue trio N times, interleaved, and judge
 * the ratio by the median), --node-flags=... (Node/V8 flags for the API, e.g.
 * --node-flags=--max-old-space-size=384 as in deploy/k8s), --cpu-prof DIR (run the API with
 * --cpu-prof into DIR and print its top functions), --json FILE (results), --keep-db.
 * Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_PG_ADMIN_URL
 * (postgres://postgres@127.0.0.1:5432/postgres, to create and drop the scratch database),
 * DB_POOL_MAX (10, for the API and the raw server alike).
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GLOBAL_LIMIT_MS = 20 * 60_000;
const BOOT_LIMIT_MS = 90_000;
const OUTBOX_DRAIN_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 20_000;
const REQUEST_TIMEOUT_S = 10;
const DEFAULT_DB_NAME = 'lms_bench_http';
const BENCH_DOMAIN = 'bench.example.com';
const BIG_COURSE_SLUG = 'bench-course-01';
const EXTRA_COURSES = 24;
/** Students who log in (quiz takers, my-courses, login scenario); enrolled in 4 courses. */
const ACTIVE_STUDENTS = 64;
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
    'node-flags': { type: 'string', default: '' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (argv.help) {
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0];
  console.log(header.replace(/^\/\*\*|^ \* ?/gm, ''));
  process.exit(0);
}

function intOption(name, min, max) {
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
  nodeFlags: argv['node-flags'].split(/\s+/).filter(Boolean),
  poolMax: Number(process.env.DB_POOL_MAX ?? 10),
};
if (!Number.isInteger(OPTIONS.poolMax) || OPTIONS.poolMax < 1 || OPTIONS.poolMax > 100) {
  console.error('DB_POOL_MAX must be an integer between 1 and 100');
  process.exit(2);
}

function loopbackUrl(name, value) {
  const url = new URL(value);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    console.error(`${name} must point at 127.0.0.1 (got host ${url.hostname})`);
    process.exit(2);
  }
  url.hostname = '127.0.0.1';
  return url;
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
  : loopbackUrl('BENCH_DATABASE_URL', process.env.BENCH_DATABASE_URL).toString();
const REDIS_PREFIX = `lmsbench${process.pid}`;

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (text) => process.stderr.write(`[bench] ${text}\n`);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
/** Database name without credentials, for messages. */
const dbLabel = (url) => `${new URL(url).host}${new URL(url).pathname}`;

async function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Last lines of a child's output, shown only when something fails. */
function captureOutput(child, name) {
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      lines.push(line.length > 400 ? `${line.slice(0, 400)}...` : line);
      if (lines.length > 40) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, lines };
}

function runCommand(args, env, limitMs) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) done(stdout);
      else {
        const tail = stderr.trim().split('\n').slice(-10).join('\n');
        const command = args.map((arg) => (arg === PASSWORD ? '***' : arg)).join(' ');
        fail(new Error(`node ${command} failed (${signal ?? code}):\n${tail}`));
      }
    });
  });
}

function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const mb = (kb) => kb / 1024;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

// ---------------------------------------------------------------------------------------------
// Cleanup: every resource registers how to release it; run once, in reverse order.

const cleanups = [];
const children = new Set();
let cleaning = null;

function cleanup() {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
// Output piped into `head` and closed early must not skip the cleanup.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Sends SIGTERM, waits for the exit (a CPU profile is written then), SIGKILL after the limit. */
function stopChild(child, name) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      log(`${name} did not stop in ${STOP_LIMIT_MS / 1000} s: SIGKILL`);
      child.kill('SIGKILL');
    }, STOP_LIMIT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      done();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------
// Database

async function prepareDatabase() {
  if (OWN_DB) {
    await withClient(ADMIN_DB_URL, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${DEFAULT_DB_NAME} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${DEFAULT_DB_NAME}`);
    });
    if (!OPTIONS.keepDb) {
      cleanups.push(async () => {
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

/** Environment shared by the CLI, the seed, the API and the worker: production settings. */
function appEnvironment(extra = {}) {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'];
  const env = Object.fromEntries(
    keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  return {
    ...env,
    NODE_ENV: 'production',
    JWT_SECRET: JWT_SECRET,
    DATA_ENCRYPTION_KEY: DATA_ENCRYPTION_KEY,
    METRICS_TOKEN: METRICS_TOKEN,
    DATABASE_URL: DB_URL,
    REDIS_URL,
    REDIS_PREFIX,
    JOBS_INLINE: 'false',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DB_MIGRATE_ON_START: 'false',
    DB_POOL_MAX: String(OPTIONS.poolMax),
    API_DOCS_ENABLED: 'false',
    DATA_DIR: DATA_DIR,
    ...extra,
  };
}

const JWT_SECRET = randomBytes(48).toString('base64url');
// Production refuses to start without a data key of its own and a metrics token.
const DATA_ENCRYPTION_KEY = randomBytes(48).toString('base64url');
const METRICS_TOKEN = randomBytes(24).toString('base64url');
let DATA_DIR = '';

async function isSeeded(client) {
  const { rows } = await client.query(
    `SELECT (SELECT count(*)::int FROM users) AS users,
            (SELECT count(*)::int FROM courses WHERE slug = $1) AS big`,
    [BIG_COURSE_SLUG],
  );
  return rows[0];
}

/** The demo profile through the application's own seed; staff accounts in SQL if it fails. */
async function seedDemo(client) {
  try {
    const out = await runCommand(
      ['dist/seed/seed.js', '--profile', 'demo', '--password', PASSWORD],
      appEnvironment(),
      120_000,
    );
    // Only the summary line: the rest lists logins (with the password).
    log(`seed: ${out.split('\n').find((line) => line.startsWith('demo seeded')) ?? 'done'}`);
  } catch (error) {
    log(`demo seed unusable (${error.message.split('\n')[0]}); staff accounts seeded in SQL`);
    const { default: argon2 } = await import('argon2');
    const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19_456 });
    await client.query(
      `INSERT INTO users (email, password_hash, full_name, role, email_verified_at)
       VALUES ($2, $1, 'Bench Admin', 'admin', now()),
              ($3, $1, 'Bench Instructor 1', 'instructor', now()),
              ($4, $1, 'Bench Instructor 2', 'instructor', now())`,
      [
        hash,
        `bench-admin@${BENCH_DOMAIN}`,
        `bench-instructor-1@${BENCH_DOMAIN}`,
        `bench-instructor-2@${BENCH_DOMAIN}`,
      ],
    );
  }
}

const QUESTIONS = [
  {
    type: 'multiple_choice',
    text: 'Which statement creates an index without blocking writes?',
    options: ['CREATE INDEX', 'CREATE INDEX CONCURRENTLY', 'REINDEX'],
    answer: 'CREATE INDEX CONCURRENTLY',
    points: 3,
  },
  {
    type: 'multiple_select',
    text: 'Which of these are aggregate functions?',
    options: ['count', 'avg', 'lower', 'sum'],
    answer: ['count', 'avg', 'sum'],
    points: 4,
  },
  {
    type: 'true_false',
    text: 'Every index makes writes to its table a little slower.',
    options: null,
    answer: true,
    points: 1,
  },
  {
    type: 'short_answer',
    text: 'Which clause filters the groups of a GROUP BY?',
    options: null,
    answer: ['having'],
    points: 2,
  },
];
const MAX_SCORE = QUESTIONS.reduce((sum, q) => sum + q.points, 0);

/**
 * The extra rows, in one transaction: courses 1..24 (1 = the big course with 10 lessons, the
 * others 6), newest first so that they fill the first catalogue page; a published quiz on the
 * big course (no attempt limit, not tied to a lesson, 30 min); N students who all enroll in the
 * big course (students 1..64 also in courses 2-4, every other one of the rest in one more),
 * completed lessons 0..all, 60 % with a graded attempt. Students share the staff's password hash.
 */
async function seedExtra(client, students) {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '128MB';
                        SET LOCAL synchronous_commit = off; SELECT setseed(0.42)`);
    await client.query(
      `CREATE TEMP TABLE bench_course ON COMMIT DROP AS
       WITH staff AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE role = 'instructor')
       SELECT n, gen_random_uuid() AS id, CASE WHEN n = 1 THEN 10 ELSE 6 END AS lessons,
              staff.ids[1 + (n - 1) % cardinality(staff.ids)] AS instructor_id,
              now() - n * interval '1 day' AS created_at
         FROM generate_series(1, $1::int) AS n, staff`,
      [EXTRA_COURSES],
    );
    await client.query(
      `INSERT INTO courses (id, title, slug, description, category, difficulty_level,
                            is_published, published_at, estimated_duration_minutes, metadata,
                            instructor_id, created_at, updated_at)
       SELECT id, CASE WHEN n = 1 THEN 'Bench course 1 (big course)' ELSE 'Bench course ' || n END,
              'bench-course-' || lpad(n::text, 2, '0'),
              'Course ' || n || ' of the HTTP benchmark: a description of a typical length, ' ||
              'a sentence or two about what the learner will be able to do afterwards.',
              (ARRAY['programming', 'data', 'design', 'business'])[1 + n % 4],
              (ARRAY['beginner', 'intermediate', 'advanced'])[1 + n % 3],
              true, created_at + interval '1 hour', lessons * 15,
              jsonb_build_object('tags', jsonb_build_array('bench', 'course-' || n)),
              instructor_id, created_at, created_at + interval '1 hour'
         FROM bench_course`,
    );
    await client.query(
      `INSERT INTO lessons (course_id, title, content, content_type, duration_minutes, position,
                            created_at, updated_at)
       SELECT c.id, 'Lesson ' || p, 'Lesson ' || p || ' of ' || c.lessons || '.', 'text', 15, p,
              c.created_at, c.created_at
         FROM bench_course c, generate_series(1, c.lessons) AS p`,
    );
    const {
      rows: [quiz],
    } = await client.query(
      `INSERT INTO quizzes (course_id, title, description, time_limit_minutes,
                            passing_score_percentage, max_attempts, is_published)
       SELECT id, 'Bench quiz', 'One question of each type.', 30, 70, NULL, true
         FROM bench_course WHERE n = 1
       RETURNING id`,
    );
    await client.query(
      `INSERT INTO questions (quiz_id, text, type, options, correct_answer, points, position)
       SELECT $1, t.text, t.type, t.options, t.correct_answer, t.points, t.position
         FROM jsonb_to_recordset($2::jsonb)
           AS t(position int, text text, type text, options jsonb, correct_answer jsonb, points int)`,
      [
        quiz.id,
        JSON.stringify(
          QUESTIONS.map((q, i) => ({
            position: i + 1,
            text: q.text,
            type: q.type,
            options: q.options,
            correct_answer: q.answer,
            points: q.points,
          })),
        ),
      ],
    );
    await client.query(
      `CREATE TEMP TABLE bench_student ON COMMIT DROP AS
       SELECT i, gen_random_uuid() AS id,
              now() - (30 + random() * 300) * interval '1 day' AS created_at
         FROM generate_series(1, $1::int) AS i`,
      [students],
    );
    await client.query(
      `INSERT INTO users (id, email, password_hash, full_name, role, email_verified_at,
                          tokens_valid_after, created_at, updated_at)
       SELECT s.id, 'bench-student-' || s.i || '@${BENCH_DOMAIN}', staff.password_hash,
              'Bench Student ' || s.i, 'student', s.created_at, s.created_at, s.created_at,
              s.created_at
         FROM bench_student s,
              (SELECT password_hash FROM users WHERE role = 'instructor' LIMIT 1) AS staff`,
    );
    await client.query(
      `CREATE TEMP TABLE bench_enrollment ON COMMIT DROP AS
       WITH picks AS (
         SELECT s.id AS student_id, s.created_at AS joined, 1 AS n FROM bench_student s
         UNION ALL
         SELECT s.id, s.created_at, k FROM bench_student s, generate_series(2, 4) AS k
          WHERE s.i <= $1::int
         UNION ALL
         SELECT s.id, s.created_at, 5 + s.i % ($2::int - 4) FROM bench_student s
          WHERE s.i > $1::int AND s.i % 2 = 0
       )
       SELECT gen_random_uuid() AS id, p.student_id, c.id AS course_id, c.n, c.lessons AS total,
              CASE WHEN p.n = 1 OR random() < 0.5 THEN floor(random() * (c.lessons + 1))::int
                   ELSE 0 END AS done,
              p.joined + random() * (now() - p.joined) / 2 AS enrolled_at,
              0.05 + 0.9 * random() AS r_finish, random() AS r_quiz, random() AS r_score
         FROM picks p JOIN bench_course c ON c.n = p.n`,
      [ACTIVE_STUDENTS, EXTRA_COURSES],
    );
    await client.query(
      `INSERT INTO enrollments (id, student_id, course_id, status, enrolled_at, completed_at,
                                progress_percentage, completed_lessons, created_at, updated_at)
       SELECT id, student_id, course_id,
              CASE WHEN done = total THEN 'completed' ELSE 'active' END, enrolled_at,
              CASE WHEN done = total THEN enrolled_at + r_finish * (now() - enrolled_at) END,
              round(done * 100.0 / total, 2), done, enrolled_at,
              enrolled_at + r_finish * (now() - enrolled_at)
         FROM bench_enrollment`,
    );
    await client.query(
      `INSERT INTO lesson_progress (enrollment_id, lesson_id, completed, completed_at)
       SELECT e.id, l.id, true,
              e.enrolled_at + (l.position::float8 / e.done) * e.r_finish * (now() - e.enrolled_at)
         FROM bench_enrollment e
         JOIN lessons l ON l.course_id = e.course_id AND l.position <= e.done`,
    );
    await client.query(
      `INSERT INTO quiz_attempts (quiz_id, student_id, enrollment_id, attempt_number, status,
                                  started_at, expires_at, submitted_at, question_order, score,
                                  max_score, percentage, passed, created_at, updated_at)
       SELECT $1, e.student_id, e.id, 1, 'submitted', t.started,
              t.started + interval '30 minutes', t.started + interval '12 minutes', o.question_order,
              t.score, $2::int, round(t.score * 100.0 / $2::int, 2), t.score * 100 >= 70 * $2::int,
              t.started, t.started + interval '12 minutes'
         FROM bench_enrollment e
         CROSS JOIN (SELECT jsonb_agg(id ORDER BY position) AS question_order FROM questions
                      WHERE quiz_id = $1) AS o
         CROSS JOIN LATERAL (
           SELECT e.enrolled_at + 0.5 * e.r_finish * (now() - e.enrolled_at) AS started,
                  floor(e.r_score * ($2::int + 1))::int AS score) AS t
        WHERE e.n = 1 AND e.r_quiz < 0.6`,
      [quiz.id, MAX_SCORE],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  await client.query('SET statement_timeout = 0');
  await client.query(
    'VACUUM (ANALYZE) users, courses, lessons, enrollments, lesson_progress, quizzes, questions, quiz_attempts',
  );
}

async function seed() {
  await runCommand(['dist/cli.js', 'migration:run'], appEnvironment(), 120_000);
  log('migrations applied');
  return withClient(DB_URL, async (client) => {
    const state = await isSeeded(client);
    if (state.big > 0) {
      log('database already seeded by this script: reused as it is');
    } else {
      if (state.users > 0) {
        throw new Error('the database has users but no bench data: give an empty database');
      }
      const started = Date.now();
      await seedDemo(client);
      await seedExtra(client, OPTIONS.students);
      log(`extra rows seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const { rows } = await client.query(
      `SELECT (SELECT count(*)::int FROM courses WHERE is_published) AS published,
              (SELECT count(*)::int FROM courses c WHERE is_published
                  AND EXISTS (SELECT 1 FROM lessons l WHERE l.course_id = c.id)) AS with_lessons,
              (SELECT count(*)::int FROM enrollments e JOIN courses c ON c.id = e.course_id
                WHERE c.slug = $1) AS big_enrollments,
              (SELECT count(*)::int FROM lesson_progress) AS progress,
              (SELECT count(*)::int FROM quiz_attempts) AS attempts,
              (SELECT c.id FROM courses c WHERE c.slug = $1) AS big_id,
              (SELECT c.id FROM courses c WHERE c.slug = 'bench-course-02') AS course_id,
              (SELECT u.email FROM courses c JOIN users u ON u.id = c.instructor_id
                WHERE c.slug = $1) AS instructor,
              (SELECT email FROM users WHERE role = 'admin' ORDER BY email LIMIT 1) AS admin,
              (SELECT q.id FROM quizzes q JOIN courses c ON c.id = q.course_id
                WHERE c.slug = $1 AND q.title = 'Bench quiz') AS quiz_id`,
      [BIG_COURSE_SLUG],
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
// Processes

async function startApp(port, workerPort) {
  const profArgs = OPTIONS.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${OPTIONS.cpuProfDir}`] : [];
  if (OPTIONS.cpuProfDir) await mkdir(OPTIONS.cpuProfDir, { recursive: true });
  const api = spawn(process.execPath, [...OPTIONS.nodeFlags, ...profArgs, 'dist/main.js'], {
    cwd: ROOT,
    env: appEnvironment({ PORT: String(port), APP_PUBLIC_URL: `http://127.0.0.1:${port}` }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker = spawn(process.execPath, ['dist/worker.js'], {
    cwd: ROOT,
    env: appEnvironment({ WORKER_HEALTH_PORT: String(workerPort) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const child of [api, worker]) children.add(child);
  const outputs = [captureOutput(api, 'api'), captureOutput(worker, 'worker')];
  cleanups.push(() => stopChild(worker, 'worker'));
  cleanups.push(() => stopChild(api, 'api'));
  for (const [child, output] of [
    [api, outputs[0]],
    [worker, outputs[1]],
  ]) {
    child.on('exit', (code, signal) => {
      if (cleaning) return;
      // Exit code 0 means a SIGTERM/SIGINT from outside (graceful shutdown).
      log(`${output.name} exited unexpectedly (${signal ?? code}); last output:`);
      for (const line of output.lines) log(`  ${output.name}: ${line}`);
    });
  }
  await Promise.all([
    waitReady(`http://127.0.0.1:${port}/api/v1/ready`, api, outputs[0]),
    waitReady(`http://127.0.0.1:${workerPort}/ready`, worker, outputs[1]),
  ]);
  return { api, worker };
}

async function waitReady(url, child, output) {
  const until = Date.now() + BOOT_LIMIT_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  for (const line of output.lines) log(`  ${output.name}: ${line}`);
  throw new Error(`${output.name} did not become ready (${url})`);
}

async function waitOutboxDrained() {
  const until = Date.now() + OUTBOX_DRAIN_LIMIT_MS;
  await withClient(DB_URL, async (client) => {
    for (;;) {
      const { rows } = await client.query(
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

async function startRaw() {
  const child = fork(join(ROOT, 'bench/raw-catalogue-server.mjs'), [], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      RAW_DATABASE_URL: DB_URL,
      DB_POOL_MAX: String(OPTIONS.poolMax),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  const output = captureOutput(child, 'raw');
  cleanups.push(() => stopChild(child, 'raw server'));
  const port = await new Promise((done, fail) => {
    const onExit = (code) => {
      clearTimeout(timer);
      for (const line of output.lines) log(`  raw: ${line}`);
      fail(new Error(`raw server exited (${code})`));
    };
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      fail(new Error('raw server did not start'));
    }, 15_000);
    child.once('exit', onExit);
    child.once('message', (message) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      done(message.port);
    });
  });
  return { child, port };
}

async function cleanRedis() {
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

async function call(base, method, path, { token, body } = {}) {
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
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function login(base, email) {
  const res = await call(base, 'POST', '/api/v1/auth/login', {
    body: { email, password: PASSWORD },
  });
  if (res.status !== 200 || !res.json?.data?.tokens?.accessToken) {
    throw new Error(`login of ${email} failed with ${res.status}`);
  }
  return res.json.data.tokens.accessToken;
}

/** Tokens in batches of 4 (argon2 is CPU-bound: more at once only queues). */
async function loginAll(base, emails) {
  const tokens = [];
  for (let i = 0; i < emails.length; i += 4) {
    tokens.push(...(await Promise.all(emails.slice(i, i + 4).map((e) => login(base, e)))));
  }
  return tokens;
}

const studentEmail = (i) => `bench-student-${i}@${BENCH_DOMAIN}`;

/** Right answers to an attempt's questions, by type (the started attempt lists the options). */
function answersFor(questions) {
  return questions.map((q) => {
    const known = QUESTIONS.find((item) => item.text === q.text);
    const fallback = {
      multiple_choice: q.options?.[0],
      multiple_select: q.options?.slice(0, 1),
      true_false: true,
      short_answer: 'x',
    }[q.type];
    return { questionId: q.id, answer: known ? known.answer : fallback };
  });
}

/** autocannon once (warm-up unrecorded, then the measured run), with RSS and CPU sampling. */
async function load(name, target, scenario) {
  const alive = (pid) => existsSync(`/proc/${pid}`) && procStatus(pid).rssKb > 0;
  if (!alive(target.pid)) throw new Error(`${target.name} (pid ${target.pid}) is not running`);
  // autocannon takes a single request's path from `url` (a `path` option is ignored there).
  const { path = '', ...rest } = scenario.autocannon;
  const base = {
    url: `${target.base}${path}`,
    connections: scenario.connections,
    timeout: REQUEST_TIMEOUT_S,
    headers: scenario.headers ?? {},
    ...rest,
  };
  if (OPTIONS.warmup > 0) {
    const warm = autocannon({ ...base, duration: OPTIONS.warmup });
    await warm;
  }
  const latencies = [];
  const statuses = new Map();
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
  const row = {
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

/**
 * The quiz sequence: each connection takes a free student, starts an attempt, submits right
 * answers and gives the student back (one open attempt per student at a time; the quiz has no
 * attempt limit). Requests of both kinds are counted.
 */
function quizSequence(quizId, tokens) {
  const free = tokens.map((token, index) => ({ token, index }));
  let spare = 0;
  const release = (context) => {
    if (context.student && context.student.index >= 0) free.push(context.student);
    context.student = undefined;
  };
  return {
    requests: [
      {
        method: 'POST',
        path: `/api/v1/quizzes/${quizId}/attempts`,
        setupRequest: (req, context) => {
          context.student = free.shift() ?? {
            token: tokens[spare++ % tokens.length],
            index: -1,
          };
          context.attemptId = undefined;
          return { ...req, headers: { authorization: `Bearer ${context.student.token}` } };
        },
        onResponse: (status, body, context) => {
          if (status === 201) {
            const data = JSON.parse(body).data;
            context.attemptId = data.attempt.id;
            context.answers = answersFor(data.questions);
          } else {
            release(context);
          }
        },
      },
      {
        method: 'POST',
        setupRequest: (req, context) => {
          if (!context.attemptId) return null;
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
    ],
  };
}

function loginSequence(emails) {
  let next = 0;
  return {
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/login',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: emails[next++ % emails.length], password: PASSWORD }),
        }),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary

async function summariseProfiles(dir) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
    const total = profile.samples.length;
    const byFunction = new Map();
    const byPackage = new Map();
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
    const top = (map, n) =>
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

function printTable(rows, hwmMb, rawHwmMb) {
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
  const fmt = (cells) =>
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

const selected = (name) => !OPTIONS.only || OPTIONS.only.has(name);

async function main() {
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    throw new Error('dist/main.js is missing: run `npm run build` first (or `npm run bench`)');
  }
  const startedAt = new Date();
  DATA_DIR = await mkdtemp(join(os.tmpdir(), 'lms-bench-http-'));
  cleanups.push(() => rm(DATA_DIR, { recursive: true, force: true }));
  cleanups.push(() => cleanRedis());

  await prepareDatabase();
  const facts = await seed();

  const [port, workerPort] = [await freePort(), await freePort()];
  const { api } = await startApp(port, workerPort);
  const base = `http://127.0.0.1:${port}`;
  log(`API (pid ${api.pid}) and worker ready on 127.0.0.1; waiting for the outbox to drain`);
  await waitOutboxDrained();
  const idleRssMb = mb(procStatus(api.pid).rssKb);
  log(`API RSS after start-up, before any load: ${idleRssMb.toFixed(0)} MB`);

  const [adminToken, instructorToken] = await loginAll(base, [facts.admin, facts.instructor]);
  const quizEmails = Array.from({ length: 32 }, (_, i) => studentEmail(i + 1));
  const quizTokens = await loginAll(base, quizEmails);
  const studentToken = quizTokens[0];
  log(`${2 + quizTokens.length} tokens obtained`);

  const apiTarget = { name: 'api', base, pid: api.pid };
  const c = OPTIONS.connections;
  const rows = [];
  let analyticsCold = null;

  const scenarios = [
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
      note: 'a student with 4 enrollments',
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
      autocannon: quizSequence(facts.quiz_id, quizTokens),
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
  const plan = [];
  for (let round = 1; round <= OPTIONS.rounds; round++) {
    for (const scenario of trio) {
      plan.push({
        ...scenario,
        label: OPTIONS.rounds > 1 ? `${scenario.name}#${round}` : scenario.name,
      });
    }
  }
  plan.push(...scenarios.slice(3).map((scenario) => ({ ...scenario, label: scenario.name })));

  let raw = null;
  let sameJson = null;
  for (const scenario of plan) {
    if (!selected(scenario.name)) continue;
    if (scenario.raw) {
      if (!raw) {
        raw = await startRaw();
        raw.base = `http://127.0.0.1:${raw.port}`;
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

  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const runsOf = (name) => rows.filter((r) => r.base === name);
  const ceilings = runsOf('raw-catalogue');
  const goals = [];
  const ratios = {};
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
      goals.push(['catalogue >= 50 % of the raw ceiling', ratios.catalogue >= 0.5]);
    }
  }
  const catalogueRuns = runsOf('catalogue');
  if (catalogueRuns.length && c === 16) {
    const p99 = median(catalogueRuns.map((r) => r.p99));
    goals.push([`catalogue p99 < 50 ms at 16 connections (${p99.toFixed(1)} ms)`, p99 < 50]);
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

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`failed: ${error.message}`);
} finally {
  await cleanup();
  clearTimeout(limit);
}
if (OPTIONS.cpuProfDir && existsSync(OPTIONS.cpuProfDir))
  await summariseProfiles(OPTIONS.cpuProfDir);
process.exit(exitCode);
