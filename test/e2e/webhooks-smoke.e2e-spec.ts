import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/modules/webhooks/webhook-signature';
import { bearer, createUser } from '../factories/users.factory';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhooks smoke', () => {
  let t: TestApp;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(500).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    t = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_BACKOFF_BASE_MS: '50',
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers a signed event with retries', async () => {
    const admin = await createUser(t, 'admin');
    const created = await t.http
      .post('/api/v1/webhooks')
      .set(...bearer(admin))
      .send({ url, events: ['user.registered'] })
      .expect(201);
    const secret = created.body.data.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const got = await t.http
      .get(`/api/v1/webhooks/${created.body.data.id}`)
      .set(...bearer(admin))
      .expect(200);
    expect(got.body.data.secret).toBeUndefined();
    await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'hook@example.com', password: 'abcdefg1', fullName: 'Hook' })
      .expect(201);
    await pollUntil(() => received.length >= 3, { what: 'three attempts' });
    const last = received[2];
    expect(
      verifyWebhook(
        secret,
        {
          id: String(last.headers['webhook-id']),
          timestamp: String(last.headers['webhook-timestamp']),
          signature: String(last.headers['webhook-signature']),
        },
        last.body,
      ),
    ).toBe(true);
    const payload = JSON.parse(last.body);
    expect(payload.type).toBe('user.registered');
    expect(payload.data.email).toBe('hook@example.com');
    const deliveries = await pollUntil(
      async () => {
        const res = await t.http
          .get(`/api/v1/webhooks/${created.body.data.id}/deliveries`)
          .set(...bearer(admin));
        return res.body.data[0]?.status === 'succeeded' ? res.body.data : undefined;
      },
      { what: 'delivery succeeded' },
    );
    expect(deliveries[0]).toMatchObject({
      attempts: 3,
      lastStatusCode: 204,
      eventType: 'user.registered',
    });
  });
});
