import { randomUUID } from 'node:crypto';
import { JobQueue } from '../../src/infra/queue/job-queue';
import { QUEUES } from '../../src/infra/queue/queue.constants';
import { ProbeModule } from '../utils/probe.module';
import { createTestApp, TestApp } from '../utils/test-app';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format into samples (comments skipped). */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key] = value;
      }
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function findSamples(text: string, name: string, labels: Record<string, string> = {}): Sample[] {
  return parseSamples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('Metrics endpoint', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('serves Prometheus text at /metrics outside /api/v1, without the envelope', async () => {
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^# HELP /);
    expect(res.text).not.toContain('"success"');
    expect(() => JSON.parse(res.text) as unknown).toThrow();
    await t.http.get('/api/v1/metrics').expect(404);
  });

  it('counts requests under the route template, never the raw id', async () => {
    const id = randomUUID();
    await t.http.get(`/api/v1/probe/items/${id}`).expect(200);
    await t.http.get(`/api/v1/probe/items/${id}`).expect(200);
    await t.http.get('/api/v1/probe/items/not-a-uuid').expect(422);

    const { text } = await t.http.get('/metrics').expect(200);
    const template = { method: 'GET', route: '/api/v1/probe/items/:id' };
    const ok = findSamples(text, 'http_requests_total', { ...template, status: '200' });
    expect(ok).toHaveLength(1);
    expect(ok[0].value).toBeGreaterThanOrEqual(2);
    expect(findSamples(text, 'http_requests_total', { ...template, status: '422' })).toHaveLength(
      1,
    );
    expect(text).not.toContain(id);
    expect(text).not.toContain('not-a-uuid');
  });

  it('labels requests that matched no route as unmatched', async () => {
    await t.http.get('/api/v1/no-such-route-x7q/deeper').expect(404);
    await t.http.get('/nowhere-at-all-x7q').expect(404);

    const { text } = await t.http.get('/metrics').expect(200);
    const unmatched = findSamples(text, 'http_requests_total', {
      method: 'GET',
      route: 'unmatched',
      status: '404',
    });
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0].value).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('x7q');
  });

  it('keeps the method and status of each request in its labels', async () => {
    await t.http.delete(`/api/v1/probe/items/${randomUUID()}`).expect(204);
    await t.http.get('/api/v1/probe/conflict').expect(409);

    const { text } = await t.http.get('/metrics').expect(200);
    expect(
      findSamples(text, 'http_requests_total', {
        method: 'DELETE',
        route: '/api/v1/probe/items/:id',
        status: '204',
      }),
    ).toHaveLength(1);
    expect(
      findSamples(text, 'http_requests_total', {
        method: 'GET',
        route: '/api/v1/probe/conflict',
        status: '409',
      }),
    ).toHaveLength(1);
  });

  it('exposes the request duration histogram with buckets, sum and count per route', async () => {
    await t.http.get('/api/v1/probe/items').expect(200);

    const { text } = await t.http.get('/metrics').expect(200);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const labels = { method: 'GET', route: '/api/v1/probe/items', status: '200' };
    const buckets = findSamples(text, 'http_request_duration_seconds_bucket', labels);
    expect(buckets.map((b) => b.labels.le)).toContain('+Inf');
    const count = findSamples(text, 'http_request_duration_seconds_count', labels);
    expect(count).toHaveLength(1);
    expect(count[0].value).toBeGreaterThanOrEqual(1);
    expect(findSamples(text, 'http_request_duration_seconds_sum', labels)).toHaveLength(1);
  });

  it('includes the default process and Node.js metrics', async () => {
    const { text } = await t.http.get('/metrics').expect(200);
    expect(findSamples(text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
  });

  it('reports the depth of every job queue', async () => {
    const { text } = await t.http.get('/metrics').expect(200);
    expect(text).toContain('# TYPE queue_jobs gauge');
    for (const queue of Object.values(QUEUES)) {
      expect(findSamples(text, 'queue_jobs', { queue, state: 'waiting' })).toHaveLength(1);
    }
  });

  it('counts scrapes of /metrics under its path, never with the query string', async () => {
    for (let i = 0; i < 3; i++) await t.http.get('/metrics?x=q7z').expect(200);
    const { text } = await t.http.get('/metrics').expect(200);
    const scrapes = findSamples(text, 'http_requests_total', {
      method: 'GET',
      route: '/metrics',
      status: '200',
    });
    expect(scrapes).toHaveLength(1);
    expect(scrapes[0].value).toBeGreaterThanOrEqual(3);
    expect(text).not.toContain('q7z');
  });
});

describe('Metrics queue depth with BullMQ', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'false' });
  });
  afterAll(() => t.close());

  it('reports jobs waiting in Redis per queue and state', async () => {
    const jobs = t.app.get(JobQueue);
    await jobs.add(QUEUES.EMAIL, 'send-email', { to: 'a@b.co' });
    await jobs.add(QUEUES.EMAIL, 'send-email', { to: 'c@d.co' });

    const { text } = await t.http.get('/metrics').expect(200);
    const waiting = findSamples(text, 'queue_jobs', { queue: QUEUES.EMAIL, state: 'waiting' });
    expect(waiting).toHaveLength(1);
    expect(waiting[0].value).toBe(2);
    const certificates = findSamples(text, 'queue_jobs', {
      queue: QUEUES.CERTIFICATES,
      state: 'waiting',
    });
    expect(certificates).toEqual([expect.objectContaining({ value: 0 })]);
  });
});

describe('Metrics with METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
  });
  afterAll(() => t.close());

  it.each([
    ['no Authorization header', undefined],
    ['a wrong bearer token', 'Bearer metrics-token-0123456789abcdeX'],
    ['a bearer token of another length', 'Bearer short'],
    ['the token without the Bearer scheme', METRICS_TOKEN],
    ['the token with the Basic scheme', `Basic ${METRICS_TOKEN}`],
  ])('refuses %s with 401 and the error envelope', async (_case, authorization) => {
    const req = t.http.get('/metrics').set('X-Request-ID', 'metrics-401');
    if (authorization) void req.set('Authorization', authorization);
    const res = await req.expect(401);
    expect(res.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'UNAUTHORIZED', details: [] },
      requestId: 'metrics-401',
    });
    expect(res.text).not.toContain('process_cpu_user_seconds_total');
  });

  it('serves the metrics to the right bearer token', async () => {
    const res = await t.http
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('http_requests_total');
  });
});

describe('Metrics with METRICS_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers /metrics with 404 and the error envelope', async () => {
    const res = await t.http.get('/metrics').expect(404);
    expect(res.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'NOT_FOUND', details: [] },
      requestId: res.headers['x-request-id'],
    });
    expect(res.text).not.toContain('process_cpu_user_seconds_total');
  });
});
