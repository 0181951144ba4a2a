/**
 * Exam-start load test: N enrolled students start the same timed quiz at the same moment, then
 * submit at the same moment. Boots the API in-process (same AppModule and configureApp() as
 * main.ts) on 127.0.0.1 and an ephemeral port, against a scratch database.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench \
 *     npx ts-node --transpile-only bench/exam-start.ts --students 200
 *
 * See bench/README.md. Every loop is bounded by N; the script exits by itself (code 1 when a
 * correctness check fails).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenService } from '../src/modules/auth/token.service';
import { validAfterSeconds } from '../src/modules/users/token-validity';
import { UsersService } from '../src/modules/users/users.service';
import { bootInProcessApi, configureInProcessApi } from './lib/in-process-api';
import { percentile } from './lib/stats';

const REQUEST_TIMEOUT_MS = 60_000;
const SEED_CONCURRENCY = 20;
const QUESTION_COUNT = 10;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface Options {
  students: number;
  /** Tie the quiz to a lesson, so that each passing submit also completes that lesson. */
  lesson: boolean;
}

function parseArgs(argv: string[]): Options {
  let students = 200;
  let lesson = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--students') students = Number(argv[++i]);
    else if (argv[i].startsWith('--students=')) students = Number(argv[i].slice(11));
    else if (argv[i] === '--no-lesson') lesson = false;
    else throw new Error(`unknown argument ${argv[i]} (usage: --students N [--no-lesson])`);
  }
  if (!Number.isInteger(students) || students < 1 || students > 10_000) {
    throw new Error('--students must be an integer between 1 and 10000');
  }
  return { students, lesson };
}

/** The app reads its configuration from the environment while its modules are set up. */

interface Sample {
  status: number;
  ms: number;
  body: unknown;
}

interface Envelope<T> {
  data: T;
}

class Client {
  constructor(private readonly base: string) {}

  async call(method: string, path: string, token?: string, body?: unknown): Promise<Sample> {
    const startedAt = performance.now();
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      return {
        status: res.status,
        ms: performance.now() - startedAt,
        body: text ? (JSON.parse(text) as unknown) : null,
      };
    } catch (error) {
      // Network failure or timeout: status 0.
      return { status: 0, ms: performance.now() - startedAt, body: String(error) };
    }
  }

  /** For seeding: the call must answer `expected`. */
  async expect<T>(
    expected: number,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<T> {
    const res = await this.call(method, path, token, body);
    if (res.status !== expected) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return (res.body as Envelope<T>).data;
  }
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map(task))));
  }
  return results;
}

/** Waits (at most 30 s) until the outbox has no unsent messages; whether it got there. */
async function drainOutbox(dataSource: DataSource): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [{ unsent }] = await dataSource.query<Array<{ unsent: number }>>(
      'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
    );
    if (unsent === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function summarize(name: string, samples: Sample[], expected: number, wallMs: number) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const failures = new Map<number, number>();
  for (const sample of samples) {
    if (sample.status !== expected) {
      failures.set(sample.status, (failures.get(sample.status) ?? 0) + 1);
    }
  }
  const failed = [...failures.values()].reduce((sum, n) => sum + n, 0);
  return {
    phase: name,
    requests: samples.length,
    ok: samples.length - failed,
    failed,
    failuresByStatus: Object.fromEntries(failures),
    p50Ms: Math.round(percentile(ms, 50)),
    p95Ms: Math.round(percentile(ms, 95)),
    maxMs: Math.round(ms[ms.length - 1] ?? NaN),
    wallMs: Math.round(wallMs),
  };
}

/** Ten questions of every type; all answered right they score 15 points. */
function questions(): Array<Record<string, unknown>> {
  const list: Array<Record<string, unknown>> = [
    {
      text: 'Capital of France?',
      type: 'multiple_choice',
      options: ['Paris', 'Rome', 'Madrid'],
      correctAnswer: 'Paris',
      points: 2,
    },
    {
      text: 'Which are primes?',
      type: 'multiple_select',
      options: ['2', '3', '4', '5'],
      correctAnswer: ['2', '3', '5'],
      points: 3,
    },
    {
      text: 'Who wrote the first program?',
      type: 'short_answer',
      correctAnswer: ['Ada Lovelace', 'Lovelace'],
      points: 3,
    },
  ];
  for (let i = list.length; i < QUESTION_COUNT; i++) {
    list.push({
      text: `Statement ${i + 1} is true`,
      type: 'true_false',
      correctAnswer: i % 2 === 0,
    });
  }
  return list;
}

function rightAnswer(question: { type: string; correctAnswer: unknown }): unknown {
  return question.type === 'short_answer'
    ? (question.correctAnswer as string[])[0]
    : question.correctAnswer;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) {
    console.error('BENCH_DATABASE_URL is required: a scratch database, e.g. createdb lms_bench');
    return 2;
  }
  const host = new URL(databaseUrl).hostname;
  const redisHost = process.env.BENCH_REDIS_URL && new URL(process.env.BENCH_REDIS_URL).hostname;
  for (const name of [host, redisHost]) {
    if (name && !LOOPBACK.has(name)) {
      console.error(`refusing ${name}: the bench only talks to this machine (127.0.0.1)`);
      return 2;
    }
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'lms-bench-'));
  configureInProcessApi(databaseUrl, dataDir, {
    ARGON2_MEMORY_COST: '1024',
    ARGON2_TIME_COST: '1',
  });

  let app: INestApplication | undefined;
  try {
    console.log(`booting the API against ${host} (migrations run on start)...`);
    let base: string;
    ({ app, base } = await bootInProcessApi());
    const http = new Client(base);
    const users = app.get(UsersService);
    const tokens = app.get(TokenService);
    const dataSource = app.get(DataSource);
    const run = Date.now().toString(36);
    const password = 'Bench-passw0rd!';

    // Seed: an instructor, a published course, a published timed quiz of 10 questions.
    console.log(`seeding 1 instructor, 1 course, 1 quiz, ${options.students} students...`);
    const teacherEmail = `bench-teacher-${run}@example.com`;
    await users.create({
      email: teacherEmail,
      password,
      fullName: 'Bench Teacher',
      role: 'instructor',
    });
    const login = await http.expect<{ tokens: { accessToken: string } }>(
      200,
      'POST',
      '/auth/login',
      undefined,
      { email: teacherEmail, password },
    );
    const teacher = login.tokens.accessToken;
    const course = await http.expect<{ id: string }>(201, 'POST', '/courses', teacher, {
      title: `Bench course ${run}`,
    });
    // Two lessons: passing the quiz completes the second one, not the whole course (which would
    // add certificate PDFs and completion mails to the measured load).
    await http.expect(201, 'POST', `/courses/${course.id}/lessons`, teacher, {
      title: 'Lesson 1',
      contentType: 'text',
      content: 'Read this first',
    });
    const lesson = await http.expect<{ id: string }>(
      201,
      'POST',
      `/courses/${course.id}/lessons`,
      teacher,
      { title: 'Lesson 2', contentType: 'text', content: 'Then this' },
    );
    await http.expect(200, 'POST', `/courses/${course.id}/publish`, teacher);
    const quiz = await http.expect<{ id: string }>(
      201,
      'POST',
      `/courses/${course.id}/quizzes`,
      teacher,
      {
        title: 'Midterm',
        timeLimitMinutes: 30,
        passingScorePercentage: 60,
        ...(options.lesson ? { lessonId: lesson.id } : {}),
      },
    );
    for (const question of questions()) {
      await http.expect(201, 'POST', `/quizzes/${quiz.id}/questions`, teacher, question);
    }
    await http.expect(200, 'POST', `/quizzes/${quiz.id}/publish`, teacher);
    const authored = await http.expect<
      Array<{ id: string; type: string; correctAnswer: unknown; points: number }>
    >(200, 'GET', `/quizzes/${quiz.id}/questions`, teacher);
    const maxScore = authored.reduce((sum, q) => sum + q.points, 0);
    const answerOf = new Map(authored.map((q) => [q.id, rightAnswer(q)]));

    const indexes = Array.from({ length: options.students }, (_, i) => i);
    const students = await inBatches(indexes, SEED_CONCURRENCY, async (i) => {
      const user = await users.create({
        email: `bench-student-${run}-${i}@example.com`,
        password,
        fullName: `Student ${i}`,
        role: 'student',
      });
      const token = tokens.signAccess(
        user.id,
        user.role,
        validAfterSeconds(user.tokensValidAfter),
      ).token;
      await http.expect(201, 'POST', '/enrollments', token, { courseId: course.id });
      return { id: user.id, token };
    });

    // Let the in-process outbox relay finish the seeding's jobs (enrollment mails) first.
    const drained = await drainOutbox(dataSource);
    if (!drained) console.warn('outbox not drained after 30 s; measuring anyway');

    // Everyone starts at once.
    console.log(`${options.students} students start at once...`);
    let wall = performance.now();
    const starts = await Promise.all(
      students.map((s) => http.call('POST', `/quizzes/${quiz.id}/attempts`, s.token)),
    );
    const startSummary = summarize('start', starts, 201, performance.now() - wall);

    // Everyone who got an attempt submits at once, answers in the order they were shown.
    const attempts = starts.flatMap((res, i) => {
      if (res.status !== 201) return [];
      const data = (res.body as Envelope<{ attempt: { id: string }; questions: { id: string }[] }>)
        .data;
      const answers = data.questions.map((q) => ({ questionId: q.id, answer: answerOf.get(q.id) }));
      return [{ student: students[i], attemptId: data.attempt.id, answers }];
    });
    console.log(`${attempts.length} students submit at once...`);
    wall = performance.now();
    const submits = await Promise.all(
      attempts.map((a) =>
        http.call('POST', `/attempts/${a.attemptId}/submit`, a.student.token, {
          answers: a.answers,
        }),
      ),
    );
    const submitSummary = summarize('submit', submits, 200, performance.now() - wall);

    // Checks: N attempts, each graded exactly once with full marks, one event each, lesson done.
    const [row] = await dataSource.query<
      Array<{ attempts: number; graded: number; fullMarks: number; events: number; done: number }>
    >(
      `SELECT
         (SELECT count(*)::int FROM quiz_attempts WHERE quiz_id = $1) AS attempts,
         (SELECT count(*)::int FROM quiz_attempts
           WHERE quiz_id = $1 AND status = 'submitted') AS graded,
         (SELECT count(*)::int FROM quiz_attempts
           WHERE quiz_id = $1 AND status = 'submitted' AND score = $2 AND max_score = $2) AS "fullMarks",
         (SELECT count(*)::int FROM outbox_messages
           WHERE name = 'domain-event' AND payload->>'type' = 'quiz.attempt.submitted'
             AND payload->'data'->>'quizId' = $1::text) AS events,
         (SELECT count(*)::int FROM lesson_progress WHERE lesson_id = $3) AS done`,
      [quiz.id, maxScore, lesson.id],
    );
    const n = options.students;
    const checks = {
      [`${n} attempts exist`]: row.attempts === n,
      [`${n} attempts graded`]: row.graded === n,
      [`${n} graded with full marks (${maxScore})`]: row.fullMarks === n,
      [`${n} quiz.attempt.submitted events (graded once)`]: row.events === n,
      [`${options.lesson ? n : 0} lesson completions`]: row.done === (options.lesson ? n : 0),
    };

    console.log('');
    console.log(
      `students=${n} questions=${QUESTION_COUNT} lessonTied=${options.lesson} ` +
        `cpus=${cpus().length} node=${process.version} ` +
        `dbPoolMax=${process.env.DB_POOL_MAX ?? '10 (default)'}`,
    );
    console.table([startSummary, submitSummary]);
    console.log('database:', row);
    for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'PASS' : 'FAIL'} ${name}`);
    const failedSample = [...starts, ...submits].find((s) => s.status >= 500 || s.status === 0);
    if (failedSample) console.log('first server error:', JSON.stringify(failedSample.body));
    return Object.values(checks).every(Boolean) &&
      startSummary.failed === 0 &&
      submitSummary.failed === 0
      ? 0
      : 1;
  } finally {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
