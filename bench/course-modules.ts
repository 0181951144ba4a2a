/**
 * `GET /courses/:id/modules` for an enrolled student on a structured course: 30 modules x 20
 * lessons, prerequisites chaining the modules, every other module sequential, the student halfway
 * through. Boots the API in-process (same AppModule and configureApp() as main.ts) on loopback,
 * against a scratch database, seeds over HTTP, then measures sequential and concurrent reads.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench \
 *     npx ts-node --transpile-only bench/course-modules.ts [--requests 300] [--concurrency 10]
 *
 * The lock states of one student take a constant number of statements (asserted in
 * test/e2e/course-modules.e2e-spec.ts); this measures what that costs end to end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsersService } from '../src/modules/users/users.service';
import { bootInProcessApi, configureInProcessApi } from './lib/in-process-api';
import { percentile } from './lib/stats';

const MODULES = 30;
const LESSONS_PER_MODULE = 20;
const PASSWORD = 'Bench-pass-1';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) throw new Error('set BENCH_DATABASE_URL to a scratch database');
  const requests = option('requests', 300);
  const concurrency = option('concurrency', 10);
  const dataDir = await mkdtemp(join(tmpdir(), 'lms-bench-modules-'));
  configureInProcessApi(databaseUrl, dataDir, {
    NODE_ENV: 'development',
    ARGON2_MEMORY_COST: '1024',
    ARGON2_TIME_COST: '1',
  });
  const { app, base } = await bootInProcessApi();
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { data: Record<string, unknown> };
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  const login = async (email: string) =>
    (
      (await call('POST', '/auth/login', undefined, { email, password: PASSWORD })) as {
        tokens: { accessToken: string };
      }
    ).tokens.accessToken;

  try {
    const suffix = Date.now().toString(36);
    await app.get(UsersService).create({
      email: `teacher-${suffix}@bench.test`,
      password: PASSWORD,
      fullName: 'Bench Teacher',
      role: 'instructor',
    });
    const teacher = await login(`teacher-${suffix}@bench.test`);
    const course = await call('POST', '/courses', teacher, { title: `Structured ${suffix}` });
    const courseId = course.id as string;
    const lessonIds: string[] = [];
    let previous: string | undefined;
    for (let m = 0; m < MODULES; m++) {
      const module = await call('POST', `/courses/${courseId}/modules`, teacher, {
        title: `Module ${m + 1}`,
        prerequisiteModuleIds: previous ? [previous] : [],
        requireSequentialProgress: m % 2 === 0,
      });
      previous = module.id as string;
      for (let l = 0; l < LESSONS_PER_MODULE; l++) {
        const lesson = await call('POST', `/courses/${courseId}/lessons`, teacher, {
          title: `Lesson ${m + 1}.${l + 1}`,
          contentType: 'text',
          content: 'Body',
          moduleId: previous,
        });
        lessonIds.push(lesson.id as string);
      }
    }
    await call('POST', `/courses/${courseId}/publish`, teacher);
    await call('POST', '/auth/register', undefined, {
      email: `student-${suffix}@bench.test`,
      password: PASSWORD,
      fullName: 'Bench Student',
    });
    const student = await login(`student-${suffix}@bench.test`);
    const enrollment = await call('POST', '/enrollments', student, { courseId });
    // Halfway: the first 15 modules complete, in order (each opens the next).
    for (const lessonId of lessonIds.slice(0, (MODULES / 2) * LESSONS_PER_MODULE)) {
      await call(
        'POST',
        `/enrollments/${String(enrollment.id)}/lessons/${lessonId}/complete`,
        student,
      );
    }

    const read = async () => {
      const startedAt = performance.now();
      await call('GET', `/courses/${courseId}/modules`, student);
      return performance.now() - startedAt;
    };
    for (let i = 0; i < 20; i++) await read(); // warm-up
    const sequential: number[] = [];
    for (let i = 0; i < requests; i++) sequential.push(await read());
    const concurrent: number[] = [];
    const wallStart = performance.now();
    for (let i = 0; i < requests; i += concurrency) {
      concurrent.push(...(await Promise.all(Array.from({ length: concurrency }, read))));
    }
    const wallMs = performance.now() - wallStart;
    const report = (samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return {
        requests: sorted.length,
        p50Ms: Number(percentile(sorted, 50).toFixed(1)),
        p95Ms: Number(percentile(sorted, 95).toFixed(1)),
        maxMs: Number(sorted[sorted.length - 1].toFixed(1)),
      };
    };
    console.log(
      JSON.stringify(
        {
          course: { modules: MODULES, lessonsPerModule: LESSONS_PER_MODULE },
          sequential: report(sequential),
          concurrent: {
            concurrency,
            ...report(concurrent),
            perSecond: Math.round((concurrent.length / wallMs) * 1000),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
