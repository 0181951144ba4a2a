/**
 * Course analytics at scale: times the queries behind GET /analytics/courses/:id on a database
 * seeded with `npm run seed -- --profile scale`, and shows how PostgreSQL runs each of them.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_scale \
 *     npx ts-node --transpile-only bench/analytics-scale.ts [--runs 30] [--warmup 5] [--http]
 *
 * The queries are the real ones: AnalyticsRepository is constructed on a DataSource built with
 * buildDataSourceOptions, the four course queries run alone and then together (Promise.all, as
 * AnalyticsService does). The service's 60 s cache is not involved, so every run is a cold
 * computation (PostgreSQL's own buffer cache stays warm). EXPLAIN (ANALYZE, BUFFERS) runs on the
 * exact SQL the repository sent, captured on the way out. With --http the API is also booted
 * in-process (127.0.0.1, ephemeral port) and the endpoint is called with the cache entry deleted
 * before each call. Every loop is bounded by --runs; only 127.0.0.1 is contacted.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
// Configuration is read from process.env when AppModule.forRoot() runs, not at import time, so
// httpBench() can set the environment first.
import { KeyValueStore } from '../src/infra/kv/key-value.store';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { AnalyticsRepository } from '../src/modules/analytics/analytics.repository';
import { bootInProcessApi, configureInProcessApi } from './lib/in-process-api';
import { Stats, stats } from './lib/stats';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const BIG_TABLES = new Set(['enrollments', 'lesson_progress', 'quiz_attempts', 'submissions']);
const QUERIES = ['courseTotals', 'courseLessons', 'courseQuizzes', 'courseAssignments'] as const;
type QueryName = (typeof QUERIES)[number];

interface Options {
  runs: number;
  warmup: number;
  course?: string;
  http: boolean;
  plans: boolean;
  password: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      course: { type: 'string' },
      http: { type: 'boolean', default: false },
      plans: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error('--runs: 1..1000');
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > 100) throw new Error('--warmup: 0..100');
  return {
    runs,
    warmup,
    course: values.course,
    http: values.http,
    plans: values.plans,
    // The scale seed's default; never printed.
    password: process.env.BENCH_PASSWORD ?? 'scale-Passw0rd',
  };
}

function databaseUrl(): string {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url)
    throw new Error('BENCH_DATABASE_URL is required (a database seeded with --profile scale)');
  if (!LOOPBACK.has(new URL(url).hostname))
    throw new Error('BENCH_DATABASE_URL must be on 127.0.0.1');
  return url;
}

async function openDataSource(url: string): Promise<DataSource> {
  const db = new DataSource({
    ...buildDataSourceOptions({
      url,
      poolMax: 10,
      statementTimeoutMs: 60_000,
      logging: false,
      applicationName: 'lms-bench-analytics',
    }),
    // Raw SQL only: no entity metadata or migrations to load.
    entities: [],
    migrations: [],
  });
  return db.initialize();
}

/** The seed's big course, else the course with the most enrollments. */
async function findCourse(db: DataSource, given?: string): Promise<string> {
  if (given) return given;
  const [row] = await db.query<Array<{ id: string }>>(
    `SELECT coalesce(
       (SELECT id FROM courses WHERE slug = 'scale-course-1'),
       (SELECT course_id FROM enrollments GROUP BY course_id ORDER BY count(*) DESC LIMIT 1)) AS id`,
  );
  if (!row?.id) throw new Error('no course found: seed the database with --profile scale first');
  return row.id;
}

// ---------------------------------------------------------------------------------------------
// Timing

async function timed(task: () => Promise<unknown>, o: Options): Promise<Stats> {
  for (let i = 0; i < o.warmup; i++) await task();
  const samples: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function statsRow(name: string, s: Stats): string {
  return `| ${name.padEnd(28)} | ${ms(s.p50).padStart(9)} | ${ms(s.p95).padStart(9)} | ${ms(s.max).padStart(9)} | ${ms(s.mean).padStart(9)} |`;
}

const STATS_HEADER = [
  `| ${'what'.padEnd(28)} | ${'p50'.padStart(9)} | ${'p95'.padStart(9)} | ${'max'.padStart(9)} | ${'mean'.padStart(9)} |`,
  `| ${'-'.repeat(28)} | ${'-'.repeat(9)} | ${'-'.repeat(9)} | ${'-'.repeat(9)} | ${'-'.repeat(9)} |`,
];

// ---------------------------------------------------------------------------------------------
// Plans

interface CapturedQuery {
  sql: string;
  parameters: unknown[];
}

/** Runs each repository method once on a recording DataSource, to get its exact SQL. */
async function captureQueries(
  db: DataSource,
  courseId: string,
): Promise<Record<QueryName, CapturedQuery>> {
  const captured: CapturedQuery[] = [];
  const recorder = {
    query: (sql: string, parameters: unknown[] = []) => {
      captured.push({ sql, parameters });
      return db.query(sql, parameters);
    },
  } as unknown as DataSource;
  const repository = new AnalyticsRepository(recorder);
  const result = {} as Record<QueryName, CapturedQuery>;
  for (const name of QUERIES) {
    captured.length = 0;
    await repository[name](courseId);
    if (captured.length !== 1) throw new Error(`${name} sent ${captured.length} queries, not 1`);
    result[name] = captured[0];
  }
  return result;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Heap Fetches'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface ExplainJson {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
  JIT?: { Timing?: { Total?: number } };
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

const isScan = (node: PlanNode) => node['Relation Name'] !== undefined;

function describeScan(node: PlanNode): string {
  const index = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const fetches =
    node['Heap Fetches'] !== undefined ? `, heap fetches ${node['Heap Fetches']}` : '';
  const rows = (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
  return `${node['Node Type']} on ${node['Relation Name']}${index} (${rows} rows${fetches})`;
}

interface PlanSummary {
  top: string;
  executionMs: number;
  planningMs: number;
  jitMs: number;
  sharedHit: number;
  sharedRead: number;
  scans: string[];
  indexDriven: boolean;
}

function summarize(plan: ExplainJson): PlanSummary {
  const nodes = [...walk(plan.Plan)];
  const scans = nodes.filter(isScan);
  return {
    top: plan.Plan['Node Type'],
    executionMs: plan['Execution Time'],
    planningMs: plan['Planning Time'],
    jitMs: plan.JIT?.Timing?.Total ?? 0,
    sharedHit: plan.Plan['Shared Hit Blocks'] ?? 0,
    sharedRead: plan.Plan['Shared Read Blocks'] ?? 0,
    scans: scans.map(describeScan),
    // The large tables must be reached through an index, never read in full.
    indexDriven: !scans.some(
      (node) => BIG_TABLES.has(node['Relation Name']!) && !node['Node Type'].includes('Index'),
    ),
  };
}

/**
 * TIMING OFF: per-node clocks cost more than the work on a million-row index scan, so the
 * execution time stays comparable with the timed runs (rows and buffers are still counted).
 */
async function explain(db: DataSource, query: CapturedQuery): Promise<ExplainJson> {
  const [row] = await db.query<Array<{ 'QUERY PLAN': ExplainJson[] }>>(
    `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ${query.sql}`,
    query.parameters,
  );
  return row['QUERY PLAN'][0];
}

async function explainText(db: DataSource, query: CapturedQuery): Promise<string> {
  const rows = await db.query<Array<{ 'QUERY PLAN': string }>>(
    `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
    query.parameters,
  );
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTTP (optional): the whole endpoint, cache entry deleted before each call

async function httpBench(url: string, db: DataSource, courseId: string, o: Options) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lms-bench-analytics-'));
  // Measure the database as it is: never migrate it from here.
  configureInProcessApi(url, dataDir, { DB_MIGRATE_ON_START: 'false' });
  const { app, base } = await bootInProcessApi();
  try {
    const [owner] = await db.query<Array<{ email: string }>>(
      'SELECT u.email FROM courses c JOIN users u ON u.id = c.instructor_id WHERE c.id = $1',
      [courseId],
    );
    const token = await login(base, owner.email, o.password);
    const cache = app.get(KeyValueStore);
    const call = async () => {
      const res = await fetch(`${base}/analytics/courses/${courseId}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(60_000),
      });
      if (res.status !== 200) throw new Error(`GET analytics: ${res.status}`);
      await res.arrayBuffer();
    };
    const cold = await timed(async () => {
      await cache.delete(`analytics:course:${courseId}`);
      await call();
    }, o);
    const warm = await timed(call, o);
    return { cold, warm };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
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

// ---------------------------------------------------------------------------------------------

async function describeData(db: DataSource, courseId: string): Promise<string> {
  const [row] = await db.query<Array<Record<string, number | string>>>(
    `SELECT (SELECT count(*) FROM enrollments WHERE course_id = $1) AS course_enrollments,
            (SELECT count(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
              WHERE l.course_id = $1) AS course_progress_rows,
            (SELECT count(*) FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
              WHERE q.course_id = $1) AS course_attempts,
            (SELECT count(*) FROM enrollments) AS enrollments,
            (SELECT count(*) FROM lesson_progress) AS lesson_progress,
            (SELECT count(*) FROM quiz_attempts) AS quiz_attempts,
            current_setting('server_version') AS postgres,
            current_setting('shared_buffers') AS shared_buffers,
            current_setting('jit') AS jit`,
    [courseId],
  );
  return Object.entries(row)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** A digest of the four answers: equal digests before and after a change = same figures. */
async function fingerprint(repository: AnalyticsRepository, courseId: string): Promise<string> {
  const results = await Promise.all(QUERIES.map((name) => repository[name](courseId)));
  return createHash('sha256').update(JSON.stringify(results)).digest('hex').slice(0, 16);
}

async function main(): Promise<void> {
  const o = options();
  const url = databaseUrl();
  const db = await openDataSource(url);
  try {
    const courseId = await findCourse(db, o.course);
    const repository = new AnalyticsRepository(db);
    console.log(`course ${courseId}; ${await describeData(db, courseId)}`);
    console.log(
      `${cpus().length} CPUs, node ${process.version}, ${o.warmup} warm-up + ${o.runs} runs`,
    );
    console.log(`result fingerprint ${await fingerprint(repository, courseId)}\n`);

    console.log(STATS_HEADER.join('\n'));
    for (const name of QUERIES) {
      console.log(statsRow(name, await timed(() => repository[name](courseId), o)));
    }
    const all = await timed(
      () => Promise.all(QUERIES.map((name) => repository[name](courseId))),
      o,
    );
    console.log(statsRow('all four (Promise.all)', all));
    if (o.http) {
      const http = await httpBench(url, db, courseId, o);
      console.log(statsRow('HTTP, cache entry deleted', http.cold));
      console.log(statsRow('HTTP, cached', http.warm));
    }

    const captured = await captureQueries(db, courseId);
    for (const name of QUERIES) {
      const plan = summarize(await explain(db, captured[name]));
      console.log(
        `\n${name}: top node ${plan.top}, execution ${ms(plan.executionMs)}, planning ` +
          `${ms(plan.planningMs)}${plan.jitMs ? `, JIT ${ms(plan.jitMs)}` : ''}, buffers hit ` +
          `${plan.sharedHit} read ${plan.sharedRead}, index-driven: ${plan.indexDriven ? 'yes' : 'NO'}`,
      );
      for (const scan of plan.scans) console.log(`  - ${scan}`);
      if (o.plans) console.log(`\n${await explainText(db, captured[name])}`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
