/**
 * Bulk enrollment benchmark: one CSV of N rows (default 10,000) enrolled by a background job,
 * while a client keeps reading a cheap endpoint to see whether the API stays responsive. Boots
 * the API in-process (same AppModule and configureApp() as main.ts) on 127.0.0.1 and an ephemeral
 * port, against a scratch database; without BENCH_REDIS_URL jobs run inline, in the API process
 * itself (the single-node deployment, the worst case for responsiveness).
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_bulk \
 *     npx ts-node --transpile-only bench/bulk-enrollment.ts --rows 10000
 *
 * Rows: 90 % existing students, 10 % unknown emails (created, with their password mail, since the
 * upload sets createMissingUsers). See bench/README.md; figures in bench/RESULTS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../src/modules/users/password-hasher';
import { UsersService } from '../src/modules/users/users.service';
import { bootInProcessApi, configureInProcessApi } from './lib/in-process-api';
import { percentile } from './lib/stats';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const JOB_DEADLINE_MS = 10 * 60_000;
const PROBE_INTERVAL_MS = 20;

function parseRows(argv: string[]): number {
  let rows = 10_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') rows = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (usage: --rows N)`);
  }
  if (!Number.isInteger(rows) || rows < 10 || rows > 50_000) {
    throw new Error('--rows must be an integer between 10 and 50000');
  }
  return rows;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Sequential GETs of `url` until `stop()`; latencies in ms and non-200 count. */
async function probe(url: string, token: string, stop: () => boolean) {
  const ms: number[] = [];
  let errors = 0;
  while (!stop()) {
    const started = performance.now();
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
    } catch {
      errors++;
    }
    ms.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  return { ms: ms.sort((a, b) => a - b), errors };
}

function describe(name: string, result: { ms: number[]; errors: number }): string {
  const { ms, errors } = result;
  return (
    `${name}: ${ms.length} requests, p50 ${fmt(percentile(ms, 50))}, p95 ${fmt(percentile(ms, 95))}, ` +
    `p99 ${fmt(percentile(ms, 99))}, max ${fmt(ms[ms.length - 1] ?? NaN)}, errors ${errors}`
  );
}

async function main(): Promise<number> {
  const rows = parseRows(process.argv.slice(2));
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) {
    console.error(
      'BENCH_DATABASE_URL is required: a scratch database, e.g. createdb lms_bench_bulk',
    );
    return 2;
  }
  const host = new URL(databaseUrl).hostname;
  if (!LOOPBACK.has(host)) {
    console.error(`refusing ${host}: the bench only talks to this machine (127.0.0.1)`);
    return 2;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'lms-bench-bulk-'));
  configureInProcessApi(databaseUrl, dataDir);
  let app: INestApplication | undefined;
  try {
    console.log(`booting the API against ${host} (migrations run on start)...`);
    let base: string;
    ({ app, base } = await bootInProcessApi());
    const dataSource = app.get(DataSource);
    const run = Date.now().toString(36);
    const password = 'Bench-passw0rd!';

    const teacherEmail = `bench-bulk-teacher-${run}@example.com`;
    await app.get(UsersService).create({
      email: teacherEmail,
      password,
      fullName: 'Bench Teacher',
      role: 'instructor',
    });
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json()) as { data: Record<string, unknown> };
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status}`);
      return json.data;
    };
    const login = await call('POST', '/auth/login', undefined, { email: teacherEmail, password });
    const token = (login.tokens as { accessToken: string }).accessToken;
    const course = await call('POST', '/courses', token, { title: `Bulk bench ${run}` });
    const courseId = course.id as string;
    await call('POST', `/courses/${courseId}/lessons`, token, {
      title: 'Lesson 1',
      contentType: 'text',
      content: 'Welcome',
    });
    await call('POST', `/courses/${courseId}/publish`, token);

    const existing = Math.round(rows * 0.9);
    console.log(`seeding ${existing} students in one statement...`);
    const hash = await app.get(PasswordHasher).hash(password);
    await dataSource.query(
      `INSERT INTO users (email, full_name, role, password_hash)
       SELECT 'bench-bulk-' || $1 || '-' || i || '@example.com', 'Student ' || i, 'student', $2
         FROM generate_series(1, $3) AS i`,
      [run, hash, existing],
    );
    const lines = ['email,fullName'];
    for (let i = 1; i <= rows; i++) {
      const email =
        i <= existing
          ? `bench-bulk-${run}-${i}@example.com`
          : `bench-bulk-new-${run}-${i}@example.com`;
      lines.push(`${email},"Student ${i}, bench"`);
    }
    const csv = `${lines.join('\n')}\n`;

    const stopBaseline = Date.now() + 2_000;
    const baseline = await probe(
      `${base}/courses/${courseId}`,
      token,
      () => Date.now() > stopBaseline,
    );

    console.log(`uploading ${rows} rows (${(csv.length / 1024).toFixed(0)} KiB)...`);
    let done = false;
    const during = probe(`${base}/courses/${courseId}`, token, () => done);
    const started = performance.now();
    const form = new FormData();
    form.append('createMissingUsers', 'true');
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'students.csv');
    const upload = await fetch(`${base}/courses/${courseId}/enrollments/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const accepted = performance.now() - started;
    if (upload.status !== 202) throw new Error(`upload answered ${upload.status}`);
    const jobId = ((await upload.json()) as { data: { jobId: string } }).data.jobId;

    let job: Record<string, unknown> = {};
    while (performance.now() - started < JOB_DEADLINE_MS) {
      job = await call('GET', `/jobs/${jobId}`, token);
      if (job.status === 'succeeded' || job.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const jobMs = performance.now() - started;
    done = true;
    const probed = await during;

    const [counts] = await dataSource.query<Array<{ enrollments: number; events: number }>>(
      `SELECT (SELECT count(*)::int FROM enrollments WHERE course_id = $1::uuid) AS enrollments,
              (SELECT count(*)::int FROM outbox_messages
                WHERE payload->>'type' = 'enrollment.created'
                  AND payload->'data'->>'courseId' = $1::text) AS events`,
      [courseId],
    );
    const drainStarted = performance.now();
    let unsent = -1;
    while (performance.now() - drainStarted < 5 * 60_000) {
      [{ unsent }] = await dataSource.query<Array<{ unsent: number }>>(
        'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
      );
      if (unsent === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const drainMs = performance.now() - started;

    console.log('');
    console.log(`rows: ${rows} (${existing} existing students, ${rows - existing} created)`);
    console.log(`upload accepted (202) after ${fmt(accepted)}`);
    console.log(
      `job ${String(job.status)} after ${(jobMs / 1000).toFixed(2)} s: ${JSON.stringify(job.progress)}`,
    );
    console.log(`enrollments ${counts.enrollments}, enrollment.created events ${counts.events}`);
    console.log(
      `outbox drained (mails, events) ${(drainMs / 1000).toFixed(1)} s after the upload (unsent left: ${unsent})`,
    );
    console.log(describe('GET /courses/:id before the import', baseline));
    console.log(describe('GET /courses/:id during the import', probed));
    const ok = job.status === 'succeeded' && counts.enrollments === rows && counts.events === rows;
    console.log(ok ? 'checks: OK' : 'checks: FAILED');
    console.log(`goal (< 60 s): ${jobMs < 60_000 ? 'met' : 'missed'}`);
    return ok ? 0 : 1;
  } finally {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
