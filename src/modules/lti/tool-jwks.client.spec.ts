import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, jwtVerify } from 'jose';
import { ToolJwksClient } from './tool-jwks.client';

/** A loopback key set server that counts its hits. */
async function keySetServer(
  body: () => string,
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end(body());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/keys`, hits: () => hits, server };
}

describe('ToolJwksClient', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256' };
  let keys: { url: string; hits: () => number; server: Server };

  beforeAll(async () => {
    keys = await keySetServer(() => JSON.stringify({ keys: [jwk] }));
  });
  afterAll(() => new Promise((resolve) => keys.server.close(resolve)));
  afterEach(() => jest.restoreAllMocks());

  it('refuses a key set on a private or loopback address unless allowed', async () => {
    const client = new ToolJwksClient({ allowPrivateTargets: false });
    await expect(client.keysFor('tool', keys.url, 'k1')).rejects.toThrow(/not allowed \(private\)/);
    await expect(client.keysFor('tool', 'ftp://example.com/keys', 'k1')).rejects.toThrow(
      /not-http/,
    );
    expect(keys.hits()).toBe(0);
  });

  it('verifies with the fetched keys and caches them per tool for 5 minutes', async () => {
    const client = new ToolJwksClient({ allowPrivateTargets: true });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(privateKey);
    const before = keys.hits();
    await jwtVerify(token, await client.keysFor('tool', keys.url, 'k1'));
    await client.keysFor('tool', keys.url, 'k1');
    expect(keys.hits() - before).toBe(1);

    // An unknown kid refetches, but not more than once per 10 s.
    await client.keysFor('tool', keys.url, 'rotated');
    expect(keys.hits() - before).toBe(1);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 11_000);
    await client.keysFor('tool', keys.url, 'rotated');
    expect(keys.hits() - before).toBe(2);

    // A known kid is served from the cache until it is 5 minutes old.
    jest.spyOn(Date, 'now').mockReturnValue(now + 11_000 + 299_000);
    await client.keysFor('tool', keys.url, 'k1');
    expect(keys.hits() - before).toBe(2);
    jest.spyOn(Date, 'now').mockReturnValue(now + 11_000 + 301_000);
    await client.keysFor('tool', keys.url, 'k1');
    expect(keys.hits() - before).toBe(3);
  });

  it('refuses what is not a key set', async () => {
    const bad = await keySetServer(() => '{"not":"keys"}');
    try {
      const client = new ToolJwksClient({ allowPrivateTargets: true });
      await expect(client.keysFor('tool', bad.url, 'k1')).rejects.toThrow(/not a JWK set/);
    } finally {
      await new Promise((resolve) => bad.server.close(resolve));
    }
  });
});
