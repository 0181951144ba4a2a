import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { WebhookDeliveryService } from '../../src/modules/webhooks/webhook-delivery.service';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { pollUntil } from '../utils/poll';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';
import { Receiver, verify } from '../utils/webhook-receiver';
import type { WebhookDeliveryBody } from '../utils/contract';

const BASE = '/api/v1/webhooks';

describe('webhooks across processes (API without job runner + BullMQ worker)', () => {
  const receiver = new Receiver();
  let api: TestApp;
  let worker: INestApplicationContext | undefined;
  let admin: TestUser;

  /** The worker of this deployment; started by the first test that needs one. */
  async function startedWorker(): Promise<INestApplicationContext> {
    worker ??= await createTestWorker(api.env, {
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_BACKOFF_BASE_MS: '50',
    });
    return worker;
  }

  async function createEndpoint(
    url: string,
    events: string[],
  ): Promise<{ id: string; secret: string }> {
    const res = await api.http
      .post(BASE)
      .set(...bearer(admin))
      .send({ url, events })
      .expect(201);
    return res.body.data as { id: string; secret: string };
  }

  async function deliveryRow(
    id: string,
  ): Promise<{ status: string; attempts: number; last_status_code: number | null }> {
    const [row] = await api.dataSource.query<
      Array<{ status: string; attempts: number; last_status_code: number | null }>
    >('SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE id = $1', [id]);
    return row;
  }

  beforeAll(async () => {
    await receiver.start();
    api = await createTestApp({ JOBS_INLINE: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    admin = await createUser(api, 'admin');
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
    await receiver.close();
  });

  it('keeps an event written while no worker runs in the outbox and delivers it once a worker starts', async () => {
    const url = receiver.url();
    const endpoint = await createEndpoint(url, ['user.registered']);
    const registered = await api.http
      .post('/api/v1/auth/register')
      .send({
        email: `durable-${randomUUID().slice(0, 8)}@example.com`,
        password: 'Passw0rd-register',
        fullName: 'Durable Receiver',
      })
      .expect(201);
    const userId = registered.body.data.user.id as string;

    // Committed with the user, but nothing consumes it yet: the API does not run jobs.
    const [outbox] = await api.dataSource.query<
      Array<{ id: string; sent_at: Date | null; payload: { id: string; type: string } }>
    >(
      `SELECT id, sent_at, payload FROM outbox_messages
       WHERE queue = 'webhooks' AND name = 'domain-event' AND payload->'data'->>'id' = $1`,
      [userId],
    );
    expect(outbox).toMatchObject({ sent_at: null, payload: { type: 'user.registered' } });
    expect(
      await api.dataSource.query('SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1', [
        endpoint.id,
      ]),
    ).toEqual([]);
    expect(worker).toBeUndefined();
    expect(receiver.at(url)).toEqual([]);

    await startedWorker();

    const request = await pollUntil(() => receiver.at(url)[0], {
      what: 'the event written before the worker started',
      timeoutMs: 15_000,
    });
    expect(verify(endpoint.secret, request)).toBe(true);
    expect(request.headers['webhook-id']).toBe(outbox.payload.id);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ id: outbox.payload.id, type: 'user.registered' });
    expect(body.data).toMatchObject({ id: userId, email: registered.body.data.user.email });
    expect(body.data.passwordHash).toBeUndefined();

    await pollUntil(
      async () => {
        const [row] = await api.dataSource.query<Array<{ sent_at: Date | null }>>(
          'SELECT sent_at FROM outbox_messages WHERE id = $1',
          [outbox.id],
        );
        return row.sent_at;
      },
      { what: 'the outbox row to be marked sent' },
    );
    const delivery = await pollUntil(
      async () => {
        const res = await api.http
          .get(`${BASE}/${endpoint.id}/deliveries`)
          .set(...bearer(admin))
          .expect(200);
        const [newest] = res.body.data as WebhookDeliveryBody[];
        return newest?.status === 'succeeded' ? newest : undefined;
      },
      { what: 'the delivery to be recorded as succeeded' },
    );
    expect(delivery).toMatchObject({
      eventId: outbox.payload.id,
      attempts: 1,
      lastStatusCode: 204,
    });
    expect(receiver.at(url)).toHaveLength(1);
  });

  it('retries through delayed BullMQ jobs until the receiver accepts', async () => {
    await startedWorker();
    const url = receiver.url((count) => ({ status: count <= 2 ? 500 : 200 }));
    const endpoint = await createEndpoint(url, ['webhook.test']);
    const res = await api.http
      .post(`${BASE}/${endpoint.id}/test`)
      .set(...bearer(admin))
      .expect(202);
    const { eventId, deliveryId } = res.body.data as { eventId: string; deliveryId: string };

    const row = await pollUntil(
      async () => {
        const current = await deliveryRow(deliveryId);
        return current.status !== 'pending' ? current : undefined;
      },
      { what: 'the retried delivery to settle', timeoutMs: 15_000 },
    );
    expect(row).toEqual({ status: 'succeeded', attempts: 3, last_status_code: 200 });
    const requests = receiver.at(url);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    expect(requests.every((r) => verify(endpoint.secret, r))).toBe(true);
  });

  it('re-delivers, once, an overdue attempt whose worker died, and leaves leased ones alone', async () => {
    const running = await startedWorker();
    const url = receiver.url();
    const endpoint = await createEndpoint(url, ['webhook.test']);
    const insert = async (nextAttempt: string): Promise<{ id: string; eventId: string }> => {
      const eventId = randomUUID();
      const payload = {
        id: eventId,
        type: 'webhook.test',
        timestamp: new Date().toISOString(),
        data: { endpointId: endpoint.id, message: 'left behind by a dead worker' },
      };
      const [{ id }] = await api.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO webhook_deliveries
           (endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at)
         VALUES ($1, $2, 'webhook.test', $3::jsonb, 'pending', 1, now() + $4::interval)
         RETURNING id`,
        [endpoint.id, eventId, JSON.stringify(payload), nextAttempt],
      );
      return { id, eventId };
    };
    // Claimed two minutes ago by a worker that died: its lease is over and no job is queued.
    const orphan = await insert('-2 minutes');
    // Claimed just now by a live worker: still leased, the scan must not touch it.
    const leased = await insert('1 minute');

    const scanner = running.get(WebhookDeliveryService);
    await Promise.all([scanner.scan(), scanner.scan()]);

    const request = await pollUntil(
      () => receiver.at(url).find((r) => r.headers['webhook-id'] === orphan.eventId),
      { what: 'the orphaned delivery to be sent', timeoutMs: 15_000 },
    );
    expect(verify(endpoint.secret, request)).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ id: orphan.eventId, type: 'webhook.test' });
    const row = await pollUntil(
      async () => {
        const current = await deliveryRow(orphan.id);
        return current.status === 'succeeded' ? current : undefined;
      },
      { what: 'the orphaned delivery to succeed' },
    );
    expect(row).toEqual({ status: 'succeeded', attempts: 2, last_status_code: 204 });
    // Two scans queued the same job id; a second send would have claimed a third attempt.
    expect(receiver.at(url).filter((r) => r.headers['webhook-id'] === orphan.eventId)).toHaveLength(
      1,
    );
    expect(receiver.at(url).filter((r) => r.headers['webhook-id'] === leased.eventId)).toEqual([]);
    expect(await deliveryRow(leased.id)).toEqual({
      status: 'pending',
      attempts: 1,
      last_status_code: null,
    });
  });
});
