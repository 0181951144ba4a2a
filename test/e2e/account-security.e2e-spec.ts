import { createHmac } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { generateSecret, generateSync } from 'otplib';
import type { Response } from 'supertest';
import { DEV_JWT_SECRET } from '../../src/config/environment';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { JOBS } from '../../src/infra/queue/queue.constants';
import { UsersService } from '../../src/modules/users/users.service';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectError } from '../utils/expectations';
import { mailedTokens, waitForMailedToken } from '../utils/mailbox';
import { pollUntil } from '../utils/poll';
import { runEntryPoint } from '../utils/processes';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';
import { testRedisUrl } from '../utils/test-database';
import { API } from '../utils/contract';

const PUBLIC_URL = 'https://lms.example.test';
const NEW_PASSWORD = 'Brand-new-passw0rd';
const WRONG_PASSWORD = 'wrong-passw0rd';

/** How many responses had each status, e.g. `{401: 5, 423: 10}`. */
function tally(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

/** Six digits that are not a valid TOTP code around now. */
function wrongCode(secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const valid = new Set(
    [-2, -1, 0, 1, 2].map((d) => generateSync({ secret, epoch: now + d * 30 })),
  );
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

/** An HS256 JWT signed by hand with the app's (test) secret, any claims at all. */
function forge(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', DEV_JWT_SECRET).update(body).digest('base64url')}`;
}

describe('Account security (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ APP_PUBLIC_URL: PUBLIC_URL });
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) =>
    t.http.post(`${API}/auth/login`).send({ email, password });
  const forgot = (email: string) =>
    t.http.post(`${API}/auth/password/forgot`).send({ email }).expect(202);
  const reset = (token: string, newPassword = NEW_PASSWORD) =>
    t.http.post(`${API}/auth/password/reset`).send({ token, newPassword });
  const dataDir = () => t.env.DATA_DIR ?? '';

  /** Turns MFA on through the service, as /mfa/enable would; returns the TOTP secret. */
  async function enableMfa(user: TestUser): Promise<string> {
    const secret = generateSecret();
    await t.app.get(UsersService).setMfa(user.id, true, t.app.get(SecretBox).seal(secret));
    return secret;
  }

  async function mfaChallenge(user: TestUser): Promise<string> {
    const res = await login(user.email, user.password).expect(200);
    return res.body.data.mfaToken as string;
  }

  describe('login lockout under concurrency (item 4)', () => {
    it('checks exactly 5 of 15 parallel wrong passwords (401) and refuses the other 10 (423), then the right one too', async () => {
      const user = await createUser(t);
      const responses = await Promise.all(
        Array.from({ length: 15 }, () => login(user.email, WRONG_PASSWORD)),
      );
      expect(tally(responses)).toEqual({ 401: 5, 423: 10 });
      for (const res of responses.filter((r) => r.status === 423)) {
        expectError(res, 423, 'ACCOUNT_LOCKED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
      }
      expectError(await login(user.email, user.password), 423, 'ACCOUNT_LOCKED');
    });

    it('counts unknown emails the same way (5 checked, then 423)', async () => {
      const email = `ghost-${Date.now()}@example.com`;
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => login(email, WRONG_PASSWORD)),
      );
      expect(tally(responses)).toEqual({ 401: 5, 423: 3 });
    });
  });

  describe('password checks outside login share its counter (item 5)', () => {
    it('checks exactly 5 of 12 parallel wrong passwords over /users/me/password, /auth/mfa/setup and /auth/mfa/disable; login is then locked too', async () => {
      const user = await createUser(t);
      const secret = await enableMfa(user);
      const requests = Array.from({ length: 12 }, (_, i) => {
        switch (i % 3) {
          case 0:
            return t.http
              .post(`${API}/users/me/password`)
              .set(...bearer(user))
              .send({ currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD });
          case 1:
            return t.http
              .post(`${API}/auth/mfa/setup`)
              .set(...bearer(user))
              .send({ password: WRONG_PASSWORD });
          default:
            return t.http
              .post(`${API}/auth/mfa/disable`)
              .set(...bearer(user))
              .send({ password: WRONG_PASSWORD, code: wrongCode(secret) });
        }
      });
      const responses = await Promise.all(requests);
      expect(tally(responses)).toEqual({ 401: 5, 423: 7 });
      expectError(await login(user.email, user.password), 423, 'ACCOUNT_LOCKED');
      // The right current password is refused as well while the lock lasts.
      const change = await t.http
        .post(`${API}/users/me/password`)
        .set(...bearer(user))
        .send({ currentPassword: user.password, newPassword: NEW_PASSWORD });
      expectError(change, 423, 'ACCOUNT_LOCKED');
    });

    it('locks /users/me/password after 5 sequential wrong passwords', async () => {
      const user = await createUser(t);
      const change = (currentPassword: string) =>
        t.http
          .post(`${API}/users/me/password`)
          .set(...bearer(user))
          .send({ currentPassword, newPassword: NEW_PASSWORD });
      for (let i = 0; i < 5; i++) expectError(await change(WRONG_PASSWORD), 401, 'WRONG_PASSWORD');
      expectError(await change(user.password), 423, 'ACCOUNT_LOCKED');
    });
  });

  describe('MFA failures per account (item 3)', () => {
    it('checks exactly 5 of 12 parallel wrong codes on one mfaToken (401); the other 7 meet the lock (423) or the voided token (401)', async () => {
      const user = await createUser(t);
      const secret = await enableMfa(user);
      const mfaToken = await mfaChallenge(user);
      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          t.http.post(`${API}/auth/mfa/login`).send({ mfaToken, code: wrongCode(secret) }),
        ),
      );
      // Exactly 5 codes were checked; the others met the lock, or the mfaToken the fifth voided.
      const outcomes = responses.map((r) => `${r.status} ${r.body.error?.code}`);
      expect(outcomes.filter((o) => o === '401 INVALID_MFA_CODE')).toHaveLength(5);
      expect(outcomes.filter((o) => o !== '401 INVALID_MFA_CODE').sort()).toEqual(
        outcomes
          .filter((o) => o !== '401 INVALID_MFA_CODE')
          .map((o) => (o === '401 INVALID_TOKEN' ? o : '423 ACCOUNT_LOCKED'))
          .sort(),
      );
      const fresh = await mfaChallenge(user);
      const right = generateSync({ secret });
      const res = await t.http.post(`${API}/auth/mfa/login`).send({ mfaToken: fresh, code: right });
      expectError(res, 423, 'ACCOUNT_LOCKED');
    });

    it('adds up wrong codes over fresh mfaTokens: one wrong code on each of 5 challenges locks the sixth', async () => {
      const user = await createUser(t);
      const secret = await enableMfa(user);
      for (let i = 0; i < 5; i++) {
        const mfaToken = await mfaChallenge(user);
        const res = await t.http
          .post(`${API}/auth/mfa/login`)
          .send({ mfaToken, code: wrongCode(secret) });
        expectError(res, 401, 'INVALID_MFA_CODE');
      }
      const mfaToken = await mfaChallenge(user);
      const res = await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken, code: generateSync({ secret }) });
      expectError(res, 423, 'ACCOUNT_LOCKED');
    });

    it('keeps replay protection: of 6 parallel logins with one right code, exactly one succeeds', async () => {
      const user = await createUser(t);
      const secret = await enableMfa(user);
      const code = generateSync({ secret });
      const tokens: string[] = [];
      // One after the other: parallel logins would count against the login limit.
      for (let i = 0; i < 6; i++) tokens.push(await mfaChallenge(user));
      const responses = await Promise.all(
        tokens.map((mfaToken) => t.http.post(`${API}/auth/mfa/login`).send({ mfaToken, code })),
      );
      // Every code is counted before it is checked: whether the sixth count lands before the
      // success clears the counter decides between a replay refusal (401) and the lock (423).
      // Either way exactly one login succeeds and every other is refused.
      const { 200: ok, 401: replays = 0, 423: locked = 0, ...others } = tally(responses);
      expect({ ok, refused: replays + locked, others }).toEqual({ ok: 1, refused: 5, others: {} });
      expect(locked).toBeLessThanOrEqual(1);
    });
  });

  describe('access tokens must carry exp and iat (item 6)', () => {
    // `iat` a little ahead, past the new user's token cut-off (which is rounded up to a second).
    const claims = (user: TestUser) => ({
      sub: user.id,
      role: user.role,
      jti: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
      type: 'access',
      iat: Math.floor(Date.now() / 1000) + 2,
      exp: Math.floor(Date.now() / 1000) + 600,
    });

    it('accepts a complete token signed with the app secret (control)', async () => {
      const user = await createUser(t);
      await t.http
        .get(`${API}/users/me`)
        .set('Authorization', `Bearer ${forge(claims(user))}`)
        .expect(200);
    });

    it.each(['exp', 'iat'])('refuses a token without %s (401)', async (name) => {
      const user = await createUser(t);
      const payload: Record<string, unknown> = claims(user);
      delete payload[name];
      const res = await t.http
        .get(`${API}/users/me`)
        .set('Authorization', `Bearer ${forge(payload)}`);
      expectError(res, 401, 'INVALID_TOKEN');
    });
  });

  describe('forgot-password throttle (item 7)', () => {
    it('sends one reset mail for 5 parallel requests for the same address within a minute', async () => {
      const user = await createUser(t);
      const responses = await Promise.all(Array.from({ length: 5 }, () => forgot(user.email)));
      expect(tally(responses)).toEqual({ 202: 5 });
      // Every queued request has been handled once the throttle counted all five.
      await pollUntil(
        async () => {
          const [row] = await t.dataSource.query<Array<{ attempts: number }>>(
            `SELECT attempts FROM auth_attempts WHERE key = $1`,
            [`reset-mail:${user.email}`],
          );
          return row?.attempts === 5;
        },
        { what: 'five handled reset requests' },
      );
      await waitForMailedToken(dataDir(), PUBLIC_URL, user.email, 'reset-password');
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM one_time_tokens WHERE user_id = $1`,
        [user.id],
      );
      expect(count).toBe(1);
      expect(await mailedTokens(dataDir(), PUBLIC_URL, user.email, 'reset-password')).toHaveLength(
        1,
      );
    });
  });

  describe('setting a password spends every unused reset token (item 8)', () => {
    /** A second reset mail within the minute: the test lifts the per-address throttle. */
    const liftThrottle = (email: string) =>
      t.dataSource.query(`DELETE FROM auth_attempts WHERE key = $1`, [`reset-mail:${email}`]);
    const unusedResetTokens = async (userId: string) => {
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM one_time_tokens
          WHERE user_id = $1 AND purpose = 'password_reset' AND used_at IS NULL`,
        [userId],
      );
      return count;
    };

    it('refuses an older reset link once another one was used', async () => {
      const user = await createUser(t);
      await forgot(user.email);
      const first = await waitForMailedToken(dataDir(), PUBLIC_URL, user.email, 'reset-password');
      await liftThrottle(user.email);
      await forgot(user.email);
      const second = await waitForMailedToken(dataDir(), PUBLIC_URL, user.email, 'reset-password', [
        first,
      ]);
      await reset(second).expect(200);
      expectError(await reset(first, 'Another-passw0rd'), 401, 'INVALID_TOKEN');
      expect(await unusedResetTokens(user.id)).toBe(0);
      await login(user.email, NEW_PASSWORD).expect(200);
    });

    it('refuses a pending reset link after a password change', async () => {
      const user = await createUser(t);
      await forgot(user.email);
      const token = await waitForMailedToken(dataDir(), PUBLIC_URL, user.email, 'reset-password');
      await t.http
        .post(`${API}/users/me/password`)
        .set(...bearer(user))
        .send({ currentPassword: user.password, newPassword: NEW_PASSWORD })
        .expect(204);
      expectError(await reset(token, 'Another-passw0rd'), 401, 'INVALID_TOKEN');
      expect(await unusedResetTokens(user.id)).toBe(0);
      await login(user.email, NEW_PASSWORD).expect(200);
    });
  });
});

describe('Reset and verification mails through the outbox and BullMQ (items 1 and 7)', () => {
  let api: TestApp;
  let worker: INestApplicationContext | undefined;
  let redis: Redis;

  beforeAll(async () => {
    api = await createTestApp({ JOBS_INLINE: 'false', APP_PUBLIC_URL: PUBLIC_URL });
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await worker?.close();
    redis.disconnect();
    await api.close();
  });

  const outboxRows = () =>
    api.dataSource.query<Array<{ name: string; payload: Record<string, unknown>; text: string }>>(
      `SELECT name, payload, payload::text AS text FROM outbox_messages ORDER BY created_at`,
    );

  /** Every string and hash value Redis holds under this app's prefix (BullMQ job data included). */
  async function redisValues(): Promise<string[]> {
    const keys = await redis.keys(`${api.env.REDIS_PREFIX}:*`);
    const values: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      if (type === 'hash') values.push(...Object.values(await redis.hgetall(key)));
    }
    return values;
  }

  it('answers known and unknown addresses alike before any per-user work: one queued request each, no token yet', async () => {
    const user = await createUser(api);
    const ghost = `ghost-${Date.now()}@example.com`;
    const known = await api.http.post(`${API}/auth/password/forgot`).send({ email: user.email });
    const unknown = await api.http.post(`${API}/auth/password/forgot`).send({ email: ghost });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    // No worker runs yet: what the request did is all in the outbox.
    const requests = (await outboxRows()).filter((r) => r.name === JOBS.REQUEST_PASSWORD_RESET);
    expect(requests.map((r) => r.payload)).toEqual([{ email: user.email }, { email: ghost }]);
    const [{ count }] = await api.dataSource.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM one_time_tokens`,
    );
    expect(count).toBe(0);
  });

  it('mails working links whose tokens are in no outbox row and no Redis value: jobs carry a token id', async () => {
    worker = await createTestWorker(api.env, { APP_PUBLIC_URL: PUBLIC_URL });
    const user = await createUser(api);
    const dir = api.env.DATA_DIR ?? '';
    await api.http.post(`${API}/auth/password/forgot`).send({ email: user.email }).expect(202);
    const resetToken = await waitForMailedToken(dir, PUBLIC_URL, user.email, 'reset-password');
    await api.http
      .post(`${API}/auth/email/verify/request`)
      .set(...bearer(user))
      .expect(202);
    const verifyToken = await waitForMailedToken(dir, PUBLIC_URL, user.email, 'verify-email');

    const rows = await outboxRows();
    const tokenMails = rows.filter((r) => r.name === JOBS.SEND_ACCOUNT_TOKEN);
    // This user's two mails, and the reset of the previous test's user (queued before a worker ran).
    expect(tokenMails).toHaveLength(3);
    for (const row of tokenMails) expect(Object.keys(row.payload)).toEqual(['tokenId']);
    const values = await redisValues();
    expect(values.some((v) => v.includes('tokenId'))).toBe(true);
    for (const token of [resetToken, verifyToken]) {
      expect(rows.filter((r) => r.text.includes(token))).toEqual([]);
      expect(values.filter((v) => v.includes(token))).toEqual([]);
    }
    // Both links work.
    await api.http.post(`${API}/auth/email/verify`).send({ token: verifyToken }).expect(200);
    await api.http
      .post(`${API}/auth/password/reset`)
      .send({ token: resetToken, newPassword: NEW_PASSWORD })
      .expect(200);
  });
});

describe('start-up refusals of weak secrets (item 6)', () => {
  const strong = 'Qm7vT2xL9pR4sW8zK1nB6cY3hJ5dF0gA-e_u';
  const base = {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    REDIS_URL: 'redis://127.0.0.1:1',
    LOG_LEVEL: 'silent',
  };

  it.each([
    ['staging without JWT_SECRET', { NODE_ENV: 'staging' }, ['JWT_SECRET']],
    [
      'staging with a low-entropy JWT_SECRET',
      { NODE_ENV: 'staging', JWT_SECRET: 'changeme'.repeat(4) },
      ['JWT_SECRET'],
    ],
    [
      'production without DATA_ENCRYPTION_KEY and METRICS_TOKEN',
      { NODE_ENV: 'production', JWT_SECRET: strong, JOBS_INLINE: 'false' },
      ['DATA_ENCRYPTION_KEY', 'METRICS_TOKEN'],
    ],
    [
      'production with DATA_ENCRYPTION_KEY equal to JWT_SECRET',
      {
        NODE_ENV: 'production',
        JWT_SECRET: strong,
        DATA_ENCRYPTION_KEY: strong,
        METRICS_ENABLED: 'false',
      },
      ['DATA_ENCRYPTION_KEY'],
    ],
  ])('the API refuses to start: %s', async (_label, env, names) => {
    const api = runEntryPoint('main', { ...base, ...env });
    expect(await api.exited).toBe(1);
    for (const name of names) expect(api.output()).toMatch(new RegExp(`${name}: `));
  });
});
