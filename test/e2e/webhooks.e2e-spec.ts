import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import {
  CreatedWebhookBody,
  payload,
  Route,
  UNKNOWN_ID,
  WebhookDeliveryBody,
} from '../utils/contract';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';
import { Answer, Received, Receiver, verify } from '../utils/webhook-receiver';

const BASE = '/api/v1/webhooks';

async function createEndpoint(
  t: TestApp,
  admin: TestUser,
  body: { url: string; events: string[]; description?: string },
): Promise<CreatedWebhookBody> {
  const res = await t.http
    .post(BASE)
    .set(...bearer(admin))
    .send(body)
    .expect(201);
  return payload<CreatedWebhookBody>(res);
}

async function deliveriesOf(
  t: TestApp,
  admin: TestUser,
  id: string,
): Promise<WebhookDeliveryBody[]> {
  const res = await t.http
    .get(`${BASE}/${id}/deliveries`)
    .set(...bearer(admin))
    .expect(200);
  return payload<WebhookDeliveryBody[]>(res);
}

/** Polls the delivery log of an endpoint until its newest delivery is no longer pending. */
function settledDelivery(
  t: TestApp,
  admin: TestUser,
  id: string,
  what: string,
): Promise<WebhookDeliveryBody> {
  return pollUntil(
    async () => {
      const [newest] = await deliveriesOf(t, admin, id);
      return newest && newest.status !== 'pending' ? newest : undefined;
    },
    { what },
  );
}

async function register(t: TestApp, prefix = 'hook'): Promise<Response> {
  return t.http
    .post('/api/v1/auth/register')
    .send({
      email: `${prefix}-${randomUUID().slice(0, 8)}@example.com`,
      password: 'Passw0rd-register',
      fullName: 'Hook Receiver',
    })
    .expect(201);
}

/** Requests on `url` that carry the event `eventId`. */
function requestsFor(receiver: Receiver, url: string, eventId: string): Received[] {
  return receiver.at(url).filter((request) => request.headers['webhook-id'] === eventId);
}

/** Reads `name{outcome="..."}` from the Prometheus text, 0 when absent. */
function counter(text: string, name: string, outcome: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{outcome="${outcome}"}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('webhooks', () => {
  const receiver = new Receiver();

  beforeAll(() => receiver.start());
  afterAll(() => receiver.close());

  describe('with private targets allowed (endpoint management and inline delivery)', () => {
    let t: TestApp;
    let admin: TestUser;
    let student: TestUser;
    let instructor: TestUser;

    beforeAll(async () => {
      t = await createTestApp({
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_BACKOFF_BASE_MS: '50',
        WEBHOOK_MAX_ATTEMPTS: '3',
      });
      admin = await createUser(t, 'admin');
      student = await createUser(t, 'student');
      instructor = await createUser(t, 'instructor');
    });
    afterAll(() => t.close());

    describe('permissions', () => {
      let endpoint: CreatedWebhookBody;

      beforeAll(async () => {
        endpoint = await createEndpoint(t, admin, {
          url: receiver.url(),
          events: ['course.published'],
        });
      });

      const routes: Array<{
        label: string;
        method: 'get' | 'post' | 'patch' | 'delete';
        route: Route;
        path: () => string;
        body?: object;
      }> = [
        {
          label: 'POST /webhooks',
          method: 'post',
          route: '/api/v1/webhooks',
          path: () => BASE,
          body: { url: 'http://127.0.0.1/x', events: ['webhook.test'] },
        },
        { label: 'GET /webhooks', method: 'get', route: '/api/v1/webhooks', path: () => BASE },
        {
          label: 'GET /webhooks/:id',
          method: 'get',
          route: '/api/v1/webhooks/{id}',
          path: () => `${BASE}/${endpoint.id}`,
        },
        {
          label: 'PATCH /webhooks/:id',
          method: 'patch',
          route: '/api/v1/webhooks/{id}',
          path: () => `${BASE}/${endpoint.id}`,
          body: { description: 'taken over' },
        },
        {
          label: 'DELETE /webhooks/:id',
          method: 'delete',
          route: '/api/v1/webhooks/{id}',
          path: () => `${BASE}/${endpoint.id}`,
        },
        {
          label: 'GET /webhooks/:id/deliveries',
          method: 'get',
          route: '/api/v1/webhooks/{id}/deliveries',
          path: () => `${BASE}/${endpoint.id}/deliveries`,
        },
        {
          label: 'POST /webhooks/:id/test',
          method: 'post',
          route: '/api/v1/webhooks/{id}/test',
          path: () => `${BASE}/${endpoint.id}/test`,
        },
      ];

      it.each(routes)(
        'refuses $label to anonymous callers (401), students and instructors (403)',
        async ({ method, route, path, body }) => {
          const anonymous = await t.http[method](path()).send(body);
          expect(anonymous.status).toBe(401);
          expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
          expectMatchesOpenApi(anonymous, method, route);
          for (const user of [student, instructor]) {
            const res = await t.http[method](path())
              .set(...bearer(user))
              .send(body);
            expect(res.status).toBe(403);
            expect(res.body.error.code).toBe('FORBIDDEN');
            expectMatchesOpenApi(res, method, route);
          }
        },
      );

      it('leaves the endpoint untouched after the refused calls', async () => {
        const res = await t.http
          .get(`${BASE}/${endpoint.id}`)
          .set(...bearer(admin))
          .expect(200);
        expect(res.body.data.description).toBeNull();
        expect(await deliveriesOf(t, admin, endpoint.id)).toEqual([]);
        const count = await t.dataSource.query<Array<{ n: number }>>(
          'SELECT count(*)::int AS n FROM webhook_endpoints',
        );
        expect(count[0].n).toBeGreaterThanOrEqual(1);
        const stolen = await t.dataSource.query<unknown[]>(
          "SELECT 1 FROM webhook_endpoints WHERE url = 'http://127.0.0.1/x'",
        );
        expect(stolen).toEqual([]);
      });
    });

    describe('endpoint management', () => {
      it('creates an endpoint and shows its whsec_ secret once, sealed at rest', async () => {
        const url = receiver.url();
        const res = await t.http
          .post(BASE)
          .set(...bearer(admin))
          .send({ url, events: ['course.published', 'certificate.issued'], description: 'CRM' })
          .expect(201);
        expectMatchesOpenApi(res, 'post', BASE);
        const created = payload<CreatedWebhookBody>(res);
        expect(created).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          url,
          events: ['course.published', 'certificate.issued'],
          description: 'CRM',
          isActive: true,
          secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        });
        expect(Math.abs(Date.parse(created.createdAt) - Date.now())).toBeLessThan(60_000);

        const [row] = await t.dataSource.query<Array<{ secret: string; created_by_id: string }>>(
          'SELECT secret, created_by_id FROM webhook_endpoints WHERE id = $1',
          [created.id],
        );
        const encoded = created.secret.slice('whsec_'.length);
        expect(row.secret).not.toContain(created.secret);
        expect(row.secret).not.toContain(encoded);
        expect(row.secret).toMatch(/^v1\./);
        expect(t.app.get(SecretBox).open(row.secret)).toBe(created.secret);
        expect(row.created_by_id).toBe(admin.id);

        const other = await createEndpoint(t, admin, { url, events: ['course.published'] });
        expect(other.secret).not.toBe(created.secret);
      });

      it('never returns the secret or its sealed form from GET, PATCH, the list or the log', async () => {
        const created = await createEndpoint(t, admin, {
          url: receiver.url(),
          events: ['certificate.issued'],
        });
        const [{ secret: sealed }] = await t.dataSource.query<Array<{ secret: string }>>(
          'SELECT secret FROM webhook_endpoints WHERE id = $1',
          [created.id],
        );
        const encoded = created.secret.slice('whsec_'.length);

        const one = await t.http
          .get(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .expect(200);
        expectMatchesOpenApi(one, 'get', `${BASE}/{id}`);
        const list = await t.http
          .get(`${BASE}?pageSize=100`)
          .set(...bearer(admin))
          .expect(200);
        expectMatchesOpenApi(list, 'get', BASE);
        const patched = await t.http
          .patch(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .send({ description: 'renamed' })
          .expect(200);
        const log = await t.http
          .get(`${BASE}/${created.id}/deliveries`)
          .set(...bearer(admin))
          .expect(200);

        expect(list.body.data.map((e: CreatedWebhookBody) => e.id)).toContain(created.id);
        for (const res of [one, list, patched, log]) {
          const text = JSON.stringify(res.body);
          expect(text).not.toContain(encoded);
          expect(text).not.toContain(sealed);
          expect(text).not.toMatch(/"secret"/);
        }
        expect(one.body.data).toEqual({
          id: created.id,
          url: created.url,
          events: ['certificate.issued'],
          description: null,
          isActive: true,
          createdAt: created.createdAt,
          updatedAt: created.updatedAt,
        });
      });

      it('lists endpoints newest first with page meta', async () => {
        for (let i = 0; i < 3; i++) {
          await createEndpoint(t, admin, { url: receiver.url(), events: ['course.published'] });
        }
        const all = await t.http
          .get(`${BASE}?pageSize=100`)
          .set(...bearer(admin))
          .expect(200);
        const total = all.body.meta.total as number;
        expect(total).toBeGreaterThanOrEqual(3);
        expect(all.body.data).toHaveLength(total);
        const times = payload<CreatedWebhookBody[]>(all).map((e) => Date.parse(e.createdAt));
        expect(times).toEqual([...times].sort((a, b) => b - a));

        const page = await t.http
          .get(`${BASE}?page=2&pageSize=2`)
          .set(...bearer(admin))
          .expect(200);
        expectMatchesOpenApi(page, 'get', BASE);
        expect(page.body.meta).toEqual({
          page: 2,
          pageSize: 2,
          total,
          totalPages: Math.ceil(total / 2),
        });
        expect(page.body.data.map((e: CreatedWebhookBody) => e.id)).toEqual(
          all.body.data.slice(2, 4).map((e: CreatedWebhookBody) => e.id),
        );
        for (const query of ['pageSize=101', 'page=0', 'sort=-createdAt']) {
          await t.http
            .get(`${BASE}?${query}`)
            .set(...bearer(admin))
            .expect(422);
        }
      });

      it('changes url, events, description and isActive with PATCH', async () => {
        const created = await createEndpoint(t, admin, {
          url: receiver.url(),
          events: ['course.published'],
          description: 'before',
        });
        const url = receiver.url();
        const res = await t.http
          .patch(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .send({
            url,
            events: ['enrollment.created', 'lesson.completed'],
            description: 'after',
            isActive: false,
          })
          .expect(200);
        expectMatchesOpenApi(res, 'patch', `${BASE}/{id}`);
        expect(res.body.data).toMatchObject({
          id: created.id,
          url,
          events: ['enrollment.created', 'lesson.completed'],
          description: 'after',
          isActive: false,
          createdAt: created.createdAt,
        });
        expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThanOrEqual(
          Date.parse(created.updatedAt),
        );

        const cleared = await t.http
          .patch(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .send({ description: null, isActive: true })
          .expect(200);
        expect(cleared.body.data).toMatchObject({ description: null, isActive: true, url });

        const got = await t.http
          .get(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .expect(200);
        expect(got.body.data).toEqual(cleared.body.data);

        const [row] = await t.dataSource.query<Array<{ secret: string }>>(
          'SELECT secret FROM webhook_endpoints WHERE id = $1',
          [created.id],
        );
        expect(t.app.get(SecretBox).open(row.secret)).toBe(created.secret);
      });

      it('answers an empty PATCH with the endpoint unchanged', async () => {
        const created = await createEndpoint(t, admin, {
          url: receiver.url(),
          events: ['course.published'],
          description: 'kept',
        });
        const res = await t.http
          .patch(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .send({})
          .expect(200);
        expectMatchesOpenApi(res, 'patch', `${BASE}/{id}`);
        expect(res.body.data).toEqual({
          ...created,
          secret: undefined,
          updatedAt: expect.any(String),
        });
      });

      it('deletes an endpoint with its delivery log: 204, then 404 everywhere', async () => {
        const created = await createEndpoint(t, admin, {
          url: receiver.url(),
          events: ['course.published'],
        });
        await t.http
          .post(`${BASE}/${created.id}/test`)
          .set(...bearer(admin))
          .expect(202);
        await settledDelivery(t, admin, created.id, 'the test delivery');

        const res = await t.http
          .delete(`${BASE}/${created.id}`)
          .set(...bearer(admin))
          .expect(204);
        expect(res.text).toBe('');
        for (const [method, path] of [
          ['get', `${BASE}/${created.id}`],
          ['patch', `${BASE}/${created.id}`],
          ['delete', `${BASE}/${created.id}`],
          ['get', `${BASE}/${created.id}/deliveries`],
          ['post', `${BASE}/${created.id}/test`],
        ] as const) {
          const gone = await t.http[method](path)
            .set(...bearer(admin))
            .send({});
          expect(gone.status).toBe(404);
          expect(gone.body.error.code).toBe('NOT_FOUND');
        }
        const rows = await t.dataSource.query<unknown[]>(
          'SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1',
          [created.id],
        );
        expect(rows).toEqual([]);
      });

      it.each([
        ['an unknown event name', 'events', { events: ['user.deleted'] }],
        ['an empty event list', 'events', { events: [] }],
        ['a duplicated event', 'events', { events: ['user.registered', 'user.registered'] }],
        ['no events', 'events', { events: undefined }],
        ['an ftp: url', 'url', { url: 'ftp://example.com/hook' }],
        ['a javascript: url', 'url', { url: 'javascript:alert(1)' }],
        ['a relative url', 'url', { url: '/hooks/relative' }],
        ['no url', 'url', { url: undefined }],
        ['a description over 500 characters', 'description', { description: 'x'.repeat(501) }],
        ['a secret chosen by the client', 'secret', { secret: 'whsec_mine' }],
        ['an unknown field', 'retries', { retries: 3 }],
      ])('rejects a POST with %s (422 naming %s)', async (_what, field, change) => {
        const before = await t.dataSource.query<Array<{ n: number }>>(
          'SELECT count(*)::int AS n FROM webhook_endpoints',
        );
        const res = await t.http
          .post(BASE)
          .set(...bearer(admin))
          .send({ url: receiver.url(), events: ['user.registered'], ...change })
          .expect(422);
        expect(res.body.error.code).toBe('VALIDATION_ERROR');
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
        expectMatchesOpenApi(res, 'post', BASE);
        const after = await t.dataSource.query<Array<{ n: number }>>(
          'SELECT count(*)::int AS n FROM webhook_endpoints',
        );
        expect(after[0].n).toBe(before[0].n);
      });

      it.each([
        ['an unknown event name', 'events', { events: ['nope'] }],
        ['an empty event list', 'events', { events: [] }],
        ['a javascript: url', 'url', { url: 'javascript:alert(1)' }],
        ['a non-boolean isActive', 'isActive', { isActive: 'yes' }],
        ['an unknown field', 'secret', { secret: 'whsec_mine' }],
      ])(
        'rejects a PATCH with %s (422 naming %s) and changes nothing',
        async (_w, field, change) => {
          const created = await createEndpoint(t, admin, {
            url: receiver.url(),
            events: ['course.published'],
          });
          const res = await t.http
            .patch(`${BASE}/${created.id}`)
            .set(...bearer(admin))
            .send(change)
            .expect(422);
          expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
          const got = await t.http
            .get(`${BASE}/${created.id}`)
            .set(...bearer(admin))
            .expect(200);
          expect(got.body.data).toEqual({ ...created, secret: undefined });
        },
      );

      it.each([
        ['get', ''],
        ['patch', ''],
        ['delete', ''],
        ['get', '/deliveries'],
        ['post', '/test'],
      ] as const)(
        'answers %s /webhooks/:id%s with 422 for a non-uuid id and 404 for an unknown one',
        async (method, suffix) => {
          const route = `${BASE}/{id}${suffix}` as const;
          const bad = await t.http[method](`${BASE}/not-a-uuid${suffix}`)
            .set(...bearer(admin))
            .send({});
          expect(bad.status).toBe(422);
          expectMatchesOpenApi(bad, method, route);
          expect(bad.body.error.details).toEqual([{ field: 'id', message: expect.any(String) }]);
          const missing = await t.http[method](`${BASE}/${UNKNOWN_ID}${suffix}`)
            .set(...bearer(admin))
            .send({});
          expect(missing.status).toBe(404);
          expect(missing.body.error.code).toBe('NOT_FOUND');
          expectMatchesOpenApi(missing, method, route);
        },
      );
    });

    describe('delivery', () => {
      it('delivers user.registered signed with the endpoint secret over the exact raw body', async () => {
        const url = receiver.url();
        const endpoint = await createEndpoint(t, admin, { url, events: ['user.registered'] });
        const registered = await register(t);
        const user = registered.body.data.user as { id: string; email: string };

        const request = await pollUntil(
          () => receiver.at(url).find((r) => JSON.parse(r.body).data?.id === user.id) ?? undefined,
          { what: 'the user.registered delivery' },
        );
        const now = Math.floor(Date.now() / 1000);
        expect(request.headers['content-type']).toBe('application/json');
        expect(String(request.headers['webhook-timestamp'])).toMatch(/^\d+$/);
        expect(Math.abs(Number(request.headers['webhook-timestamp']) - now)).toBeLessThanOrEqual(5);
        expect(String(request.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
        expect(verify(endpoint.secret, request)).toBe(true);
        expect(verify(endpoint.secret, { ...request, body: `${request.body} ` })).toBe(false);
        const stranger = await createEndpoint(t, admin, {
          url: receiver.url(),
          events: ['course.published'],
        });
        expect(verify(stranger.secret, request)).toBe(false);

        const body = JSON.parse(request.body);
        expect(Object.keys(body).sort()).toEqual(['data', 'id', 'timestamp', 'type']);
        expect(body.type).toBe('user.registered');
        expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(request.headers['webhook-id']).toBe(body.id);
        expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
        // The user as it was in the registration transaction: before the first session's login.
        expect(body.data).toEqual({
          ...registered.body.data.user,
          lastLoginAt: null,
          updatedAt: body.data.createdAt,
        });
        const asAdmin = await t.http
          .get(`/api/v1/users/${user.id}`)
          .set(...bearer(admin))
          .expect(200);
        expect(Object.keys(body.data).sort()).toEqual(Object.keys(asAdmin.body.data).sort());
        expect(request.body).not.toMatch(/password|hash/i);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the delivery to succeed');
        expect(delivery).toMatchObject({
          eventId: body.id,
          eventType: 'user.registered',
          status: 'succeeded',
          attempts: 1,
          lastStatusCode: 204,
          lastError: null,
          nextAttemptAt: null,
        });
      });

      it('sends nothing to endpoints not subscribed to the event, nor to inactive ones', async () => {
        const subscribedUrl = receiver.url();
        const otherEventUrl = receiver.url();
        const inactiveUrl = receiver.url();
        const subscribed = await createEndpoint(t, admin, {
          url: subscribedUrl,
          events: ['user.registered'],
        });
        const otherEvent = await createEndpoint(t, admin, {
          url: otherEventUrl,
          events: ['course.published', 'enrollment.created'],
        });
        const inactive = await createEndpoint(t, admin, {
          url: inactiveUrl,
          events: ['user.registered'],
        });
        await t.http
          .patch(`${BASE}/${inactive.id}`)
          .set(...bearer(admin))
          .send({ isActive: false })
          .expect(200);

        await register(t);
        // The fan-out creates every delivery of an event in one transaction: once the subscribed
        // endpoint has received it, the others would have had their deliveries too.
        const delivered = await settledDelivery(t, admin, subscribed.id, 'the subscribed delivery');
        expect(delivered.status).toBe('succeeded');
        expect(receiver.at(subscribedUrl)).toHaveLength(1);
        expect(await deliveriesOf(t, admin, otherEvent.id)).toEqual([]);
        expect(await deliveriesOf(t, admin, inactive.id)).toEqual([]);
        expect(receiver.at(otherEventUrl)).toEqual([]);
        expect(receiver.at(inactiveUrl)).toEqual([]);
      });

      it('retries after two 500s and succeeds on the third attempt with the same webhook-id', async () => {
        const url = receiver.url((count) => ({ status: count <= 2 ? 500 : 200 }));
        const endpoint = await createEndpoint(t, admin, { url, events: ['user.registered'] });
        await register(t);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the retried delivery');
        expect(delivery).toMatchObject({
          eventType: 'user.registered',
          status: 'succeeded',
          attempts: 3,
          lastStatusCode: 200,
          lastError: null,
          nextAttemptAt: null,
        });
        const requests = receiver.at(url);
        expect(requests).toHaveLength(3);
        expect(requests.map((r) => r.headers['webhook-id'])).toEqual([
          delivery.eventId,
          delivery.eventId,
          delivery.eventId,
        ]);
        expect(requests.every((r) => verify(endpoint.secret, r))).toBe(true);
        expect(new Set(requests.map((r) => r.body)).size).toBe(1);
      });

      it('records the failed attempt and the next try while retrying', async () => {
        // Attempt 1 fails at once; attempt 2 is held open until the test has looked at the row.
        let release: (answer: Answer) => void = () => undefined;
        const held = new Promise<Answer>((resolve) => (release = resolve));
        const url = receiver.url((count) => (count === 1 ? { status: 503 } : held));
        const endpoint = await createEndpoint(t, admin, { url, events: ['webhook.test'] });
        await t.http
          .post(`${BASE}/${endpoint.id}/test`)
          .set(...bearer(admin))
          .expect(202);

        await pollUntil(() => receiver.at(url).length === 2, { what: 'the second attempt' });
        const [retrying] = await deliveriesOf(t, admin, endpoint.id);
        release({ status: 204 });
        expect(retrying).toMatchObject({
          status: 'pending',
          attempts: 2,
          lastStatusCode: 503,
          lastError: 'HTTP 503',
        });
        expect(retrying.nextAttemptAt).not.toBeNull();
        const done = await settledDelivery(t, admin, endpoint.id, 'the retry to succeed');
        expect(done).toMatchObject({
          status: 'succeeded',
          attempts: 2,
          lastStatusCode: 204,
          lastError: null,
        });
      });

      it('gives up after WEBHOOK_MAX_ATTEMPTS (3) when the receiver always answers 500', async () => {
        const url = receiver.url(() => ({ status: 500 }));
        const endpoint = await createEndpoint(t, admin, { url, events: ['user.registered'] });
        await register(t);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the delivery to give up');
        expect(delivery).toMatchObject({
          status: 'failed',
          attempts: 3,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          nextAttemptAt: null,
        });
        expect(receiver.at(url)).toHaveLength(3);
        const [row] = await t.dataSource.query<Array<{ status: string; attempts: number }>>(
          'SELECT status, attempts FROM webhook_deliveries WHERE id = $1',
          [delivery.id],
        );
        expect(row).toEqual({ status: 'failed', attempts: 3 });
      });

      it('does not follow a redirect: the 302 is a failed attempt and its target gets nothing', async () => {
        const targetUrl = receiver.url();
        const url = receiver.url(() => ({ status: 302, headers: { location: targetUrl } }));
        const endpoint = await createEndpoint(t, admin, { url, events: ['webhook.test'] });
        await t.http
          .post(`${BASE}/${endpoint.id}/test`)
          .set(...bearer(admin))
          .expect(202);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the redirected delivery');
        expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 302 });
        expect(receiver.at(url)).toHaveLength(3);
        expect(receiver.at(targetUrl)).toEqual([]);
      });

      it('records a connection closed without an answer as an error without status code', async () => {
        const url = receiver.url(() => 'hang-up');
        const endpoint = await createEndpoint(t, admin, { url, events: ['webhook.test'] });
        await t.http
          .post(`${BASE}/${endpoint.id}/test`)
          .set(...bearer(admin))
          .expect(202);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the hung-up delivery');
        expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null });
        expect(delivery.lastError).toMatch(/socket hang up|ECONNRESET/);
        expect(receiver.at(url)).toHaveLength(3);
      });

      it('records a refused connection as an error', async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise((resolve) => closed.close(resolve));
        const endpoint = await createEndpoint(t, admin, {
          url: `http://127.0.0.1:${port}/gone`,
          events: ['webhook.test'],
        });
        await t.http
          .post(`${BASE}/${endpoint.id}/test`)
          .set(...bearer(admin))
          .expect(202);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the refused delivery');
        expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null });
        expect(delivery.lastError).toMatch(/ECONNREFUSED/);
      });

      it('counts a secret that cannot be opened as a failed attempt and gives up at the limit', async () => {
        const url = receiver.url();
        const [{ id }] = await t.dataSource.query<Array<{ id: string }>>(
          `INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, $2::text[], $3)
           RETURNING id`,
          [url, ['webhook.test'], new SecretBox('a key this deployment does not have!').seal('x')],
        );
        await t.http
          .post(`${BASE}/${id}/test`)
          .set(...bearer(admin))
          .expect(202);

        const delivery = await settledDelivery(t, admin, id, 'the undeliverable delivery');
        expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null });
        expect(delivery.lastError).toMatch(/secret/);
        expect(receiver.at(url)).toEqual([]);
      });

      it('sends a webhook.test event on POST /:id/test and logs deliveries newest first', async () => {
        const url = receiver.url();
        const endpoint = await createEndpoint(t, admin, { url, events: ['user.registered'] });
        const res = await t.http
          .post(`${BASE}/${endpoint.id}/test`)
          .set(...bearer(admin))
          .expect(202);
        expectMatchesOpenApi(res, 'post', `${BASE}/{id}/test`);
        const { eventId, deliveryId } = res.body.data as { eventId: string; deliveryId: string };

        const request = await pollUntil(() => requestsFor(receiver, url, eventId)[0], {
          what: 'the webhook.test delivery',
        });
        expect(verify(endpoint.secret, request)).toBe(true);
        const body = JSON.parse(request.body);
        expect(body).toMatchObject({ id: eventId, type: 'webhook.test' });
        expect(body.data).toMatchObject({ endpointId: endpoint.id });
        await settledDelivery(t, admin, endpoint.id, 'the test delivery to be recorded');

        await register(t);
        const log = await pollUntil(
          async () => {
            const res2 = await t.http
              .get(`${BASE}/${endpoint.id}/deliveries`)
              .set(...bearer(admin))
              .expect(200);
            const rows = payload<WebhookDeliveryBody[]>(res2);
            return rows.length === 2 && rows.every((d) => d.status === 'succeeded') ? res2 : false;
          },
          { what: 'both deliveries to succeed' },
        );
        expectMatchesOpenApi(log, 'get', `${BASE}/{id}/deliveries`);
        expect(log.body.meta).toEqual({ page: 1, pageSize: 20, total: 2, totalPages: 1 });
        const [newest, oldest] = payload<WebhookDeliveryBody[]>(log);
        expect(Object.keys(newest).sort()).toEqual(
          [
            'attempts',
            'createdAt',
            'eventId',
            'eventType',
            'id',
            'lastError',
            'lastStatusCode',
            'nextAttemptAt',
            'status',
          ].sort(),
        );
        expect(newest.eventType).toBe('user.registered');
        expect(oldest).toMatchObject({
          id: deliveryId,
          eventId,
          eventType: 'webhook.test',
          status: 'succeeded',
          attempts: 1,
          lastStatusCode: 204,
        });
        expect(Date.parse(newest.createdAt)).toBeGreaterThan(Date.parse(oldest.createdAt));

        const page = await t.http
          .get(`${BASE}/${endpoint.id}/deliveries?page=2&pageSize=1`)
          .set(...bearer(admin))
          .expect(200);
        expect(page.body.data.map((d: WebhookDeliveryBody) => d.id)).toEqual([oldest.id]);
        expect(page.body.meta).toEqual({ page: 2, pageSize: 1, total: 2, totalPages: 2 });
      });

      it('does not send a test event to an inactive endpoint', async () => {
        const url = receiver.url();
        const endpoint = await createEndpoint(t, admin, { url, events: ['webhook.test'] });
        await t.http
          .patch(`${BASE}/${endpoint.id}`)
          .set(...bearer(admin))
          .send({ isActive: false })
          .expect(200);
        await t.http
          .post(`${BASE}/${endpoint.id}/test`)
          .set(...bearer(admin))
          .expect(202);

        const delivery = await settledDelivery(t, admin, endpoint.id, 'the disabled delivery');
        expect(delivery).toMatchObject({
          status: 'failed',
          attempts: 1,
          lastError: 'endpoint is disabled',
        });
        expect(receiver.at(url)).toEqual([]);
      });

      it('counts delivery outcomes in webhook_deliveries_total on /metrics', async () => {
        const metric = 'webhook_deliveries_total';
        const before = (await t.http.get('/metrics').expect(200)).text;
        const okUrl = receiver.url();
        const failingUrl = receiver.url(() => ({ status: 500 }));
        const ok = await createEndpoint(t, admin, { url: okUrl, events: ['user.registered'] });
        const failing = await createEndpoint(t, admin, {
          url: failingUrl,
          events: ['user.registered'],
        });
        await register(t);
        await settledDelivery(t, admin, ok.id, 'the successful delivery');
        await settledDelivery(t, admin, failing.id, 'the failing delivery to give up');

        const after = (await t.http.get('/metrics').expect(200)).text;
        expect(after).toContain(`# TYPE ${metric} counter`);
        const delta = (outcome: string) =>
          counter(after, metric, outcome) - counter(before, metric, outcome);
        expect(delta('succeeded')).toBeGreaterThanOrEqual(1);
        expect(delta('retrying')).toBeGreaterThanOrEqual(2);
        expect(delta('failed')).toBeGreaterThanOrEqual(1);
        expect(after).toMatch(/^webhook_delivery_duration_seconds_count \d+/m);
      });
    });
  });

  describe('without private targets allowed (SSRF)', () => {
    let strict: TestApp;
    let admin: TestUser;

    beforeAll(async () => {
      strict = await createTestApp({
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
        WEBHOOK_BACKOFF_BASE_MS: '50',
        WEBHOOK_MAX_ATTEMPTS: '2',
      });
      admin = await createUser(strict, 'admin');
    });
    afterAll(() => strict.close());

    it.each([
      'http://127.0.0.1/',
      'http://localhost/',
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/',
      'http://192.168.1.10/',
      'http://172.16.0.1/',
      'http://0.0.0.0/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
      'https://does-not-exist.invalid/hook',
    ])('refuses to register %s (422 on url)', async (url) => {
      const res = await strict.http
        .post(BASE)
        .set(...bearer(admin))
        .send({ url, events: ['user.registered'] })
        .expect(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([{ field: 'url', message: expect.any(String) }]);
      expectMatchesOpenApi(res, 'post', BASE);
      const rows = await strict.dataSource.query<unknown[]>(
        'SELECT 1 FROM webhook_endpoints WHERE url = $1',
        [url],
      );
      expect(rows).toEqual([]);
    });

    it('accepts a public address, and refuses a PATCH that points it at a private one', async () => {
      // Literal public address, subscribed to an event this test never triggers: nothing is sent.
      const endpoint = await createEndpoint(strict, admin, {
        url: 'https://8.8.8.8/hook',
        events: ['certificate.issued'],
      });
      for (const url of ['http://127.0.0.1:9/hook', 'http://169.254.169.254/latest/meta-data']) {
        const res = await strict.http
          .patch(`${BASE}/${endpoint.id}`)
          .set(...bearer(admin))
          .send({ url, description: 'moved' })
          .expect(422);
        expect(res.body.error.details).toEqual([{ field: 'url', message: expect.any(String) }]);
      }
      const got = await strict.http
        .get(`${BASE}/${endpoint.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(got.body.data).toMatchObject({ url: 'https://8.8.8.8/hook', description: null });
    });

    it('refuses at delivery time a stored endpoint that points at loopback, sending nothing', async () => {
      const url = receiver.url();
      const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
      const [{ id }] = await strict.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, $2::text[], $3)
         RETURNING id`,
        [url, ['user.registered'], strict.app.get(SecretBox).seal(secret)],
      );
      await register(strict, 'ssrf');

      const delivery = await settledDelivery(strict, admin, id, 'the refused delivery to give up');
      expect(delivery).toMatchObject({
        eventType: 'user.registered',
        status: 'failed',
        attempts: 2,
        lastStatusCode: null,
      });
      expect(delivery.lastError).toMatch(/refused.*private/);
      expect(receiver.at(url)).toEqual([]);
    });
  });
});
