import { readdirSync } from 'node:fs';
import { createServer, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bearer, createUser } from '../factories/users.factory';
import { pollUntil } from '../utils/poll';
import { freePort, runEntryPoint, waitForHttp } from '../utils/processes';
import { createTestApp, TestApp, testEnv } from '../utils/test-app';
import { dropTestDatabase } from '../utils/test-database';

const BOUNDARY = '----lms-shutdown-test';

/** Files the local storage backend has started writing (uploads in progress included). */
function storedUploads(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, 'uploads', 'uploads'));
  } catch {
    return [];
  }
}

describe('graceful shutdown', () => {
  it('finishes an in-flight upload after SIGTERM, then exits 0', async () => {
    const env = await testEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(await freePort()),
    });
    const api = runEntryPoint('main', { ...env, RATE_LIMIT_ENABLED: 'false' });
    const base = `http://127.0.0.1:${env.PORT}`;
    try {
      await waitForHttp(`${base}/api/v1/health`);
      const registered = (await (
        await fetch(`${base}/api/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: 'drain@example.com',
            password: 'Drain-pass-1',
            fullName: 'D',
          }),
        })
      ).json()) as { data: { tokens: { accessToken: string } } };

      // A slow client: the multipart body arrives in two parts, SIGTERM lands in between.
      const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`;
      const tail = `\r\n--${BOUNDARY}--\r\n`;
      const firstHalf = Buffer.alloc(300_000, 'a');
      const secondHalf = Buffer.alloc(300_000, 'b');
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${base}/api/v1/files/upload`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${registered.data.tokens.accessToken}`,
            'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
            'content-length': head.length + firstHalf.length + secondHalf.length + tail.length,
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.write(head);
        req.write(firstHalf);
        void pollUntil(() => storedUploads(env.DATA_DIR ?? '').length > 0, {
          what: 'upload to start',
        })
          .then(() => {
            api.child.kill('SIGTERM');
            return pollUntil(() => api.output().includes('is draining'), {
              what: 'drain to start',
            });
          })
          .then(() => {
            req.write(secondHalf);
            req.end(tail);
          }, reject);
      });

      const { status, body } = await response;
      expect(status).toBe(201);
      expect((JSON.parse(body) as { data: { fileSize: number } }).data.fileSize).toBe(600_000);
      expect(await api.exited).toBe(0);
    } finally {
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
      await api.exited;
      await dropTestDatabase(env.DATABASE_URL ?? '');
    }
  });

  describe('worker', () => {
    let t: TestApp;
    let receiver: Server;
    let held: ServerResponse | undefined;
    let requests = 0;

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        requests += 1;
        req.resume();
        held = res; // answered by the test, once the worker is draining
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      t = await createTestApp({ JOBS_INLINE: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    });

    afterAll(async () => {
      held?.end();
      await t.close();
      await new Promise((resolve) => receiver.close(resolve));
    });

    it('finishes its active job after SIGTERM, then exits 0', async () => {
      const admin = await createUser(t, 'admin');
      const { port } = receiver.address() as AddressInfo;
      const hook = await t.http
        .post('/api/v1/webhooks')
        .set(...bearer(admin))
        .send({ url: `http://127.0.0.1:${port}/hook`, events: ['user.registered'] })
        .expect(201);
      const worker = runEntryPoint('worker', {
        ...t.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        JOBS_INLINE: 'false',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      });
      try {
        await t.http
          .post('/api/v1/auth/register')
          .send({ email: 'worker-drain@example.com', password: 'Drain-pass-1', fullName: 'W' })
          .expect(201);
        await pollUntil(() => held !== undefined, {
          timeoutMs: 30_000,
          what: 'the delivery request',
        });
        worker.child.kill('SIGTERM');
        await pollUntil(() => worker.output().includes('is draining'), { what: 'drain to start' });
        held?.writeHead(200).end();

        expect(await worker.exited).toBe(0);
        const deliveries = await t.http
          .get(`/api/v1/webhooks/${hook.body.data.id}/deliveries`)
          .set(...bearer(admin))
          .expect(200);
        expect(deliveries.body.data).toEqual([
          expect.objectContaining({ status: 'succeeded', attempts: 1, lastStatusCode: 200 }),
        ]);
        expect(requests).toBe(1);
      } finally {
        if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      }
    });
  });
});
