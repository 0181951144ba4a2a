import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { generateSecret, generateSync } from 'otplib';
import type { Response } from 'supertest';
import { DEV_JWT_SECRET } from '../../src/config/environment';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { UsersService } from '../../src/modules/users/users.service';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';
import * as mailbox from '../utils/mailbox';
import type { AccountLinkPath } from '../utils/mailbox';

const PUBLIC_URL = 'https://lms.example.test';
const NEW_PASSWORD = 'Brand-new-passw0rd';

interface Claims {
  sub: string;
  role: string;
  jti: string;
  type: string;
  iat: number;
  exp: number;
}

const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;
const bearerToken = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

function decodeClaims(token: string): Claims {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
}

/** Mails written for this recipient (the file transport: no SMTP_URL in these tests). */
const mailsTo = (t: TestApp, address: string) => mailbox.mailsTo(t.env.DATA_DIR ?? '', address);

/** Waits for a mailed link whose token is not among `known`, and returns that token. */
const waitForNewToken = (
  t: TestApp,
  address: string,
  path: AccountLinkPath,
  known: string[] = [],
) => mailbox.waitForMailedToken(t.env.DATA_DIR ?? '', PUBLIC_URL, address, path, known);

/**
 * Polls the clock until a second has just begun, so that a user created next and a token cut-off
 * right after (password change, reset, deactivation) fall in the same second: cut-offs are compared
 * with whole-second `iat`s, and that is the case where they are easiest to get wrong.
 */
const startOfASecond = () =>
  pollUntil(() => Date.now() % 1000 < 200, {
    timeoutMs: 2_000,
    intervalMs: 5,
    what: 'the start of a second',
  });

/** A code for a TOTP time step this test has not used yet (now, or the next one). */
class Authenticator {
  private readonly used = new Set<number>();

  constructor(readonly secret: string) {}

  code(): string {
    const current = Math.floor(Date.now() / 30_000);
    const step = [current, current + 1].find((s) => !this.used.has(s));
    if (step === undefined) throw new Error('test used more than two TOTP codes in one window');
    this.used.add(step);
    return generateSync({ secret: this.secret, epoch: step * 30 });
  }

  /** Six digits that are not a valid code around now. */
  wrongCode(): string {
    const now = Math.floor(Date.now() / 1000);
    const valid = new Set(
      [-2, -1, 0, 1, 2].map((d) => generateSync({ secret: this.secret, epoch: now + d * 30 })),
    );
    for (let n = 0; ; n++) {
      const candidate = String(n).padStart(6, '0');
      if (!valid.has(candidate)) return candidate;
    }
  }
}

describe('Auth (e2e)', () => {
  let t: TestApp;
  let jwt: JwtService;

  beforeAll(async () => {
    t = await createTestApp({ APP_PUBLIC_URL: PUBLIC_URL });
    jwt = new JwtService({});
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) =>
    t.http.post(`${API}/auth/login`).send({ email, password });
  const me = (token: string) => t.http.get(`${API}/users/me`).set(...bearerToken(token));
  const refresh = (refreshToken: string) =>
    t.http.post(`${API}/auth/refresh`).send({ refreshToken });

  /** Turns MFA on through the service, as /mfa/enable would, without spending a TOTP code. */
  async function enableMfaDirectly(user: TestUser): Promise<Authenticator> {
    const secret = generateSecret();
    await t.app.get(UsersService).setMfa(user.id, true, t.app.get(SecretBox).seal(secret));
    return new Authenticator(secret);
  }

  async function mfaChallenge(user: TestUser): Promise<string> {
    const res = await login(user.email, user.password).expect(200);
    expect(res.body.data.mfaRequired).toBe(true);
    return res.body.data.mfaToken as string;
  }

  describe('POST /auth/register', () => {
    it('creates a student with a lower-cased email, returns user and tokens, and mails a welcome', async () => {
      const email = uniqueEmail('reg');
      const res = await t.http
        .post(`${API}/auth/register`)
        .send({
          email: `  ${email.toUpperCase()} `,
          password: 'abcdefg1',
          fullName: ' Ada Lovelace ',
        })
        .expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/auth/register');
      const { user, tokens } = res.body.data;
      expect(user).toMatchObject({
        email,
        fullName: 'Ada Lovelace',
        role: 'student',
        isActive: true,
        mfaEnabled: false,
        emailVerifiedAt: null,
      });
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      await me(tokens.accessToken).expect(200);

      const welcome = await pollUntil(
        async () => (await mailsTo(t, email)).find((m) => /^Subject: Welcome/m.test(m)),
        { what: 'welcome mail' },
      );
      expect(welcome).toContain('Ada Lovelace');
    });

    it('rejects a role in the body with 422 and creates no account', async () => {
      const email = uniqueEmail('role');
      const res = await t.http
        .post(`${API}/auth/register`)
        .send({ email, password: 'abcdefg1', fullName: 'Mallory', role: 'admin' })
        .expect(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'role' })]),
      );
      expectMatchesOpenApi(res, 'post', '/api/v1/auth/register');
      await login(email, 'abcdefg1').expect(401);
    });

    it('gives 409 for an email that exists in another case', async () => {
      const email = uniqueEmail('dup');
      await t.http
        .post(`${API}/auth/register`)
        .send({ email, password: 'abcdefg1', fullName: 'First' })
        .expect(201);
      const res = await t.http
        .post(`${API}/auth/register`)
        .send({ email: email.toUpperCase(), password: 'abcdefg1', fullName: 'Second' })
        .expect(409);
      expect(res.body.error.code).toBe('EMAIL_TAKEN');
    });

    it.each([
      ['without a digit', 'abcdefgh'],
      ['without a letter', '12345678'],
      ['of 7 characters', 'abcdef1'],
      ['of 129 characters', `a1${'x'.repeat(127)}`],
    ])('rejects a password %s with 422 on field password', async (_label, password) => {
      const email = uniqueEmail('weak');
      const res = await t.http
        .post(`${API}/auth/register`)
        .send({ email, password, fullName: 'Weak' })
        .expect(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining(['password']),
      );
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        'SELECT count(*)::int AS count FROM users WHERE email = $1',
        [email],
      );
      expect(count).toBe(0);
    });

    it('accepts passwords of exactly 8 and 128 characters', async () => {
      for (const password of ['abcdefg1', `a1${'x'.repeat(126)}`]) {
        await t.http
          .post(`${API}/auth/register`)
          .send({ email: uniqueEmail('edge'), password, fullName: 'Edge' })
          .expect(201);
      }
    });
  });

  describe('POST /auth/login', () => {
    it('returns the user and Bearer tokens valid for 900 s, and records lastLoginAt', async () => {
      const user = await createUser(t);
      const before = Date.now();
      const res = await login(user.email.toUpperCase(), user.password).expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/auth/login');
      const { user: body, tokens } = res.body.data;
      expect(body.id).toBe(user.id);
      expect(Object.keys(tokens).sort()).toEqual([
        'accessToken',
        'expiresIn',
        'refreshToken',
        'tokenType',
      ]);
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(typeof tokens.accessToken).toBe('string');
      expect(typeof tokens.refreshToken).toBe('string');
      expect(body.lastLoginAt).not.toBeNull();
      expect(Date.parse(body.lastLoginAt)).toBeGreaterThanOrEqual(before - 1000);
      const mine = await me(tokens.accessToken).expect(200);
      expect(mine.body.data.lastLoginAt).toBe(body.lastLoginAt);
    });

    it('answers a wrong password and an unknown email with the same 401 body', async () => {
      const user = await createUser(t);
      const wrong = await login(user.email, 'not-the-password-1').expect(401);
      const unknown = await login(uniqueEmail('nobody'), 'not-the-password-1').expect(401);
      expectMatchesOpenApi(wrong, 'post', '/api/v1/auth/login');
      expect(wrong.body.error.code).toBe(unknown.body.error.code);
      expect(wrong.body.message).toBe(unknown.body.message);
      const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body.data).toBeUndefined();
    });

    it('refuses a user an admin deactivated (401), and accepts them again once reactivated', async () => {
      const admin = await createUser(t, 'admin');
      const user = await createUser(t);
      await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ isActive: false })
        .expect(200);
      const res = await login(user.email, user.password).expect(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
      await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ isActive: true })
        .expect(200);
      await login(user.email, user.password).expect(200);
    });
  });

  describe('login lockout (LOGIN_MAX_FAILURES default 5)', () => {
    it('locks after 5 failures: the right password then gets 423 ACCOUNT_LOCKED with Retry-After', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 5; i++) await login(user.email, 'wrong-passw0rd').expect(401);
      const res = await login(user.email, user.password).expect(423);
      expectMatchesOpenApi(res, 'post', '/api/v1/auth/login');
      expect(res.body.error.code).toBe('ACCOUNT_LOCKED');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(res.body.data).toBeUndefined();
    });

    it('counts failures per email whatever its case, and leaves other emails from the same IP alone', async () => {
      const user = await createUser(t);
      const other = await createUser(t);
      for (let i = 0; i < 5; i++) {
        const email = i % 2 ? user.email.toUpperCase() : user.email;
        await login(email, 'wrong-passw0rd').expect(401);
      }
      await login(user.email, user.password).expect(423);
      await login(other.email, other.password).expect(200);
    });

    it('does not lock after 4 failures, and a success resets the count', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 4; i++) await login(user.email, 'wrong-passw0rd').expect(401);
      await login(user.email, user.password).expect(200);
      for (let i = 0; i < 4; i++) await login(user.email, 'wrong-passw0rd').expect(401);
      await login(user.email, user.password).expect(200);
    });
  });

  describe('access tokens (JWT)', () => {
    let user: TestUser;
    let claims: Claims;

    beforeAll(async () => {
      user = await createUser(t);
      claims = decodeClaims(user.accessToken);
    });

    const sign = (payload: object, secret = DEV_JWT_SECRET) =>
      jwt.sign(payload, { secret, algorithm: 'HS256' });

    it('carries sub, role, jti, type access, iat and exp 15 minutes later', () => {
      expect(claims).toMatchObject({ sub: user.id, role: 'student', type: 'access' });
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isInteger(claims.iat)).toBe(true);
      expect(claims.exp - claims.iat).toBe(900);
      expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
    });

    it('accepts a token the test signs with the app secret (so the refusals below are meaningful)', async () => {
      const res = await me(sign({ ...claims, jti: randomUUID() })).expect(200);
      expect(res.body.data.id).toBe(user.id);
    });

    it('refuses a token with a tampered signature', async () => {
      const [header, payload, signature] = user.accessToken.split('.');
      const middle = Math.floor(signature.length / 2);
      const flipped = signature[middle] === 'A' ? 'B' : 'A';
      const tampered = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
      const res = await me(tampered).expect(401);
      expectMatchesOpenApi(res, 'get', '/api/v1/users/me');
    });

    it('refuses a token whose payload was changed (role admin) under the original signature', async () => {
      const [header, , signature] = user.accessToken.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );
      await me(`${header}.${forged}.${signature}`).expect(401);
    });

    it('refuses a token signed with another secret', async () => {
      await me(
        sign({ ...claims, jti: randomUUID() }, 'another-secret-of-at-least-32-chars!!'),
      ).expect(401);
    });

    it('refuses an unsigned alg:none token', async () => {
      const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
      const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, jti: randomUUID() })}.`;
      await me(none).expect(401);
    });

    it('refuses an expired token', async () => {
      await me(sign({ ...claims, jti: randomUUID(), exp: claims.iat - 1 })).expect(401);
    });

    it('refuses a validly signed token of type mfa', async () => {
      await me(sign({ ...claims, jti: randomUUID(), type: 'mfa' })).expect(401);
    });

    it('refuses a validly signed token without a type', async () => {
      const untyped: Partial<Claims> = { ...claims, jti: randomUUID() };
      delete untyped.type;
      await me(sign(untyped)).expect(401);
    });

    it('refuses the refresh token used as a bearer token', async () => {
      await me(user.refreshToken).expect(401);
    });

    it('refuses a missing or malformed Authorization header', async () => {
      await t.http.get(`${API}/users/me`).expect(401);
      await t.http.get(`${API}/users/me`).set('Authorization', 'Bearer').expect(401);
      await t.http
        .get(`${API}/users/me`)
        .set('Authorization', `Basic ${user.accessToken}`)
        .expect(401);
    });
  });

  describe('POST /auth/refresh', () => {
    it('returns a new refresh token and spends the old one', async () => {
      const user = await createUser(t);
      const res = await refresh(user.refreshToken).expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/auth/refresh');
      const { tokens } = res.body.data;
      expect(res.body.data.user.id).toBe(user.id);
      expect(tokens.refreshToken).not.toBe(user.refreshToken);
      expect(tokens.accessToken).not.toBe(user.accessToken);
      await me(tokens.accessToken).expect(200);
      const again = await refresh(user.refreshToken).expect(401);
      expect(again.body.error.code).toBe('INVALID_TOKEN');
    });

    it('stores refresh tokens hashed, for 30 days', async () => {
      const user = await createUser(t);
      const rows = await t.dataSource.query<Array<{ token_hash: string; days: number }>>(
        `SELECT token_hash, extract(epoch FROM expires_at - now()) / 86400 AS days
           FROM refresh_tokens WHERE user_id = $1`,
        [user.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].token_hash).not.toContain(user.refreshToken);
      expect(Number(rows[0].days)).toBeCloseTo(30, 1);
    });

    it('revokes the whole family when a spent token is presented, but not other logins', async () => {
      const user = await createUser(t);
      const otherLogin = (await login(user.email, user.password).expect(200)).body.data.tokens;
      const second = (await refresh(user.refreshToken).expect(200)).body.data.tokens;
      const third = (await refresh(second.refreshToken).expect(200)).body.data.tokens;

      await refresh(user.refreshToken).expect(401);
      await refresh(third.refreshToken).expect(401);
      await refresh(otherLogin.refreshToken).expect(200);
    });

    it('refuses an unknown refresh token with 401', async () => {
      await refresh('x'.repeat(43)).expect(401);
    });
  });

  describe('POST /auth/logout', () => {
    it('answers 204 and stops the access token and the given refresh token at once', async () => {
      const user = await createUser(t);
      await me(user.accessToken).expect(200);
      const res = await t.http
        .post(`${API}/auth/logout`)
        .set(...bearer(user))
        .send({ refreshToken: user.refreshToken })
        .expect(204);
      expect(res.text).toBe('');
      await me(user.accessToken).expect(401);
      await refresh(user.refreshToken).expect(401);
    });

    it('leaves other sessions of the user working', async () => {
      const user = await createUser(t);
      const other = (await login(user.email, user.password).expect(200)).body.data.tokens;
      await t.http
        .post(`${API}/auth/logout`)
        .set(...bearer(user))
        .send({ refreshToken: user.refreshToken })
        .expect(204);
      await me(other.accessToken).expect(200);
      await refresh(other.refreshToken).expect(200);
    });

    it('does not revoke a refresh token of another user', async () => {
      const user = await createUser(t);
      const victim = await createUser(t);
      await t.http
        .post(`${API}/auth/logout`)
        .set(...bearer(user))
        .send({ refreshToken: victim.refreshToken })
        .expect(204);
      await refresh(victim.refreshToken).expect(200);
    });

    it('needs a bearer token', async () => {
      await t.http.post(`${API}/auth/logout`).send({}).expect(401);
    });
  });

  describe('POST /users/me/password', () => {
    it('answers 401 for a wrong current password and keeps the old password', async () => {
      const user = await createUser(t);
      await t.http
        .post(`${API}/users/me/password`)
        .set(...bearer(user))
        .send({ currentPassword: 'wrong-passw0rd', newPassword: NEW_PASSWORD })
        .expect(401);
      await me(user.accessToken).expect(200);
      await login(user.email, NEW_PASSWORD).expect(401);
      await login(user.email, user.password).expect(200);
    });

    it('ends every session, and the new password works within the same second', async () => {
      await startOfASecond();
      const user = await createUser(t);
      const other = (await login(user.email, user.password).expect(200)).body.data.tokens;
      await t.http
        .post(`${API}/users/me/password`)
        .set(...bearer(user))
        .send({ currentPassword: user.password, newPassword: NEW_PASSWORD })
        .expect(204);

      await me(user.accessToken).expect(401);
      await me(other.accessToken).expect(401);
      await refresh(user.refreshToken).expect(401);
      await refresh(other.refreshToken).expect(401);
      await login(user.email, user.password).expect(401);

      const fresh = (await login(user.email, NEW_PASSWORD).expect(200)).body.data.tokens;
      await me(fresh.accessToken).expect(200);
      const rotated = (await refresh(fresh.refreshToken).expect(200)).body.data.tokens;
      await me(rotated.accessToken).expect(200);
    });

    it('rejects a weak new password with 422', async () => {
      const user = await createUser(t);
      const res = await t.http
        .post(`${API}/users/me/password`)
        .set(...bearer(user))
        .send({ currentPassword: user.password, newPassword: 'short1' })
        .expect(422);
      expect(res.body.error.details[0].field).toBe('newPassword');
    });
  });

  describe('password forgot / reset', () => {
    const forgot = (email: string) =>
      t.http.post(`${API}/auth/password/forgot`).send({ email }).expect(202);
    const reset = (token: string, newPassword = NEW_PASSWORD) =>
      t.http.post(`${API}/auth/password/reset`).send({ token, newPassword });

    it('answers 202 with the same body for known and unknown emails, and mails only the known one', async () => {
      const user = await createUser(t);
      const unknown = uniqueEmail('ghost');
      const known = await forgot(user.email);
      const ghost = await forgot(unknown);
      expect(known.body).toEqual(ghost.body);
      expect(known.body).toEqual({ success: true, message: 'OK', data: null });
      await waitForNewToken(t, user.email, 'reset-password');
      expect(await mailsTo(t, unknown)).toEqual([]);
    });

    it('mails an APP_PUBLIC_URL link whose token resets once; old sessions end and the new password works', async () => {
      await startOfASecond();
      const user = await createUser(t);
      await forgot(user.email.toUpperCase());
      const token = await waitForNewToken(t, user.email, 'reset-password');
      const [mail] = await mailsTo(t, user.email);
      expect(mail).toContain(`${PUBLIC_URL}/reset-password?token=${token}`);

      const [row] = await t.dataSource.query<Array<{ minutes: number }>>(
        `SELECT extract(epoch FROM expires_at - now()) / 60 AS minutes
           FROM one_time_tokens WHERE user_id = $1 AND purpose = 'password_reset'`,
        [user.id],
      );
      expect(Number(row.minutes)).toBeGreaterThan(29);
      expect(Number(row.minutes)).toBeLessThanOrEqual(30);

      const res = await reset(token).expect(200);
      expect(res.body.data).toBeNull();
      await reset(token, 'Another-passw0rd').expect(401);

      await me(user.accessToken).expect(401);
      await refresh(user.refreshToken).expect(401);
      await login(user.email, user.password).expect(401);
      const fresh = (await login(user.email, NEW_PASSWORD).expect(200)).body.data.tokens;
      await me(fresh.accessToken).expect(200);
    });

    it('refuses a garbage token with 401', async () => {
      const res = await reset('not-a-real-token').expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    });

    it('refuses an expired token with 401 and keeps the password', async () => {
      const user = await createUser(t);
      await forgot(user.email);
      const token = await waitForNewToken(t, user.email, 'reset-password');
      await t.dataSource.query(
        `UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
        [user.id],
      );
      await reset(token).expect(401);
      await login(user.email, user.password).expect(200);
    });

    it('does not accept an email verification token as a reset token', async () => {
      const user = await createUser(t);
      await t.http
        .post(`${API}/auth/email/verify/request`)
        .set(...bearer(user))
        .expect(202);
      const token = await waitForNewToken(t, user.email, 'verify-email');
      await reset(token).expect(401);
      await login(user.email, user.password).expect(200);
    });
  });

  describe('email verification', () => {
    it('mails a link on request (202) whose token verifies the email once', async () => {
      const user = await createUser(t);
      const before = await me(user.accessToken).expect(200);
      expect(before.body.data.emailVerifiedAt).toBeNull();

      await t.http
        .post(`${API}/auth/email/verify/request`)
        .set(...bearer(user))
        .expect(202);
      const token = await waitForNewToken(t, user.email, 'verify-email');
      const [row] = await t.dataSource.query<Array<{ hours: number }>>(
        `SELECT extract(epoch FROM expires_at - now()) / 3600 AS hours
           FROM one_time_tokens WHERE user_id = $1 AND purpose = 'email_verification'`,
        [user.id],
      );
      expect(Number(row.hours)).toBeCloseTo(24, 1);

      const res = await t.http.post(`${API}/auth/email/verify`).send({ token }).expect(200);
      expect(res.body.data.id).toBe(user.id);
      expect(res.body.data.emailVerifiedAt).not.toBeNull();
      const after = await me(user.accessToken).expect(200);
      expect(after.body.data.emailVerifiedAt).toBe(res.body.data.emailVerifiedAt);

      await t.http.post(`${API}/auth/email/verify`).send({ token }).expect(401);
    });

    it('needs a bearer token to request a link, and refuses garbage tokens', async () => {
      await t.http.post(`${API}/auth/email/verify/request`).expect(401);
      await t.http.post(`${API}/auth/email/verify`).send({ token: 'garbage' }).expect(401);
    });
  });

  describe('MFA', () => {
    it('sets up only with the right password and enables only with the right code', async () => {
      const user = await createUser(t);
      await t.http
        .post(`${API}/auth/mfa/setup`)
        .set(...bearer(user))
        .send({ password: 'wrong-passw0rd' })
        .expect(401);

      const setup = await t.http
        .post(`${API}/auth/mfa/setup`)
        .set(...bearer(user))
        .send({ password: user.password })
        .expect(200);
      const { secret, otpauthUrl } = setup.body.data;
      expect(typeof secret).toBe('string');
      expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
      expect(otpauthUrl).toContain(`secret=${secret}`);
      expect((await me(user.accessToken).expect(200)).body.data.mfaEnabled).toBe(false);
      const plain = await login(user.email, user.password).expect(200);
      expect(plain.body.data.tokens).toBeDefined();

      const authenticator = new Authenticator(secret);
      const wrong = await t.http
        .post(`${API}/auth/mfa/enable`)
        .set(...bearer(user))
        .send({ code: authenticator.wrongCode() })
        .expect(401);
      expect(wrong.body.error.code).toBe('INVALID_MFA_CODE');
      expect((await me(user.accessToken).expect(200)).body.data.mfaEnabled).toBe(false);

      const enabled = await t.http
        .post(`${API}/auth/mfa/enable`)
        .set(...bearer(user))
        .send({ code: authenticator.code() })
        .expect(200);
      expect(enabled.body.data).toMatchObject({ id: user.id, mfaEnabled: true });
      expect(JSON.stringify(enabled.body)).not.toContain(secret);
    });

    it('makes login return only a 10-minute mfaToken, and /mfa/login with a code gives a session', async () => {
      const user = await createUser(t);
      const authenticator = await enableMfaDirectly(user);
      const res = await login(user.email, user.password).expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/auth/login');
      expect(Object.keys(res.body.data).sort()).toEqual(['expiresIn', 'mfaRequired', 'mfaToken']);
      expect(res.body.data).toMatchObject({ mfaRequired: true, expiresIn: 600 });
      const { mfaToken } = res.body.data;
      const mfaClaims = decodeClaims(mfaToken);
      expect(mfaClaims).toMatchObject({ sub: user.id, type: 'mfa' });
      expect(mfaClaims.exp - mfaClaims.iat).toBe(600);
      await me(mfaToken).expect(401);

      const session = await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken, code: authenticator.code() })
        .expect(200);
      expectMatchesOpenApi(session, 'post', '/api/v1/auth/mfa/login');
      expect(session.body.data.user).toMatchObject({ id: user.id, mfaEnabled: true });
      expect(session.body.data.tokens.tokenType).toBe('Bearer');
      await me(session.body.data.tokens.accessToken).expect(200);
    });

    it('spends the mfaToken on success', async () => {
      const user = await createUser(t);
      const authenticator = await enableMfaDirectly(user);
      const mfaToken = await mfaChallenge(user);
      await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken, code: authenticator.code() })
        .expect(200);
      await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken, code: authenticator.code() })
        .expect(401);
    });

    it('refuses a code that was already accepted once (replay), even with a new mfaToken', async () => {
      const user = await createUser(t);
      const authenticator = await enableMfaDirectly(user);
      const code = authenticator.code();
      const first = await mfaChallenge(user);
      await t.http.post(`${API}/auth/mfa/login`).send({ mfaToken: first, code }).expect(200);

      const second = await mfaChallenge(user);
      const replay = await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken: second, code })
        .expect(401);
      expect(replay.body.error.code).toBe('INVALID_MFA_CODE');
      // The second mfaToken itself is fine: a code not used before works with it.
      await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken: second, code: authenticator.code() })
        .expect(200);
    });

    it('voids the mfaToken after 5 wrong codes and locks the MFA step of the account: the right code then gets 423, with a new mfaToken too', async () => {
      const user = await createUser(t);
      const authenticator = await enableMfaDirectly(user);
      const mfaToken = await mfaChallenge(user);
      for (let i = 0; i < 5; i++) {
        const res = await t.http
          .post(`${API}/auth/mfa/login`)
          .send({ mfaToken, code: authenticator.wrongCode() })
          .expect(401);
        expect(res.body.error.code).toBe('INVALID_MFA_CODE');
      }
      const code = authenticator.code();
      const locked = await t.http.post(`${API}/auth/mfa/login`).send({ mfaToken, code });
      expect({ status: locked.status, code: locked.body.error?.code }).toEqual({
        status: 401,
        code: 'INVALID_TOKEN',
      });
      // The lock is the account's, not the challenge's: a fresh mfaToken does not lift it.
      const fresh = await mfaChallenge(user);
      const res = await t.http.post(`${API}/auth/mfa/login`).send({ mfaToken: fresh, code });
      expect(res.status).toBe(423);
      expect(res.body.error.code).toBe('ACCOUNT_LOCKED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    });

    it('still accepts the right code after 4 wrong ones', async () => {
      const user = await createUser(t);
      const authenticator = await enableMfaDirectly(user);
      const mfaToken = await mfaChallenge(user);
      for (let i = 0; i < 4; i++) {
        await t.http
          .post(`${API}/auth/mfa/login`)
          .send({ mfaToken, code: authenticator.wrongCode() })
          .expect(401);
      }
      await t.http
        .post(`${API}/auth/mfa/login`)
        .send({ mfaToken, code: authenticator.code() })
        .expect(200);
    });

    it('disables only with the right password and a right code', async () => {
      const user = await createUser(t);
      const authenticator = await enableMfaDirectly(user);
      const code = authenticator.code();
      const disable = (password: string, c: string) =>
        t.http
          .post(`${API}/auth/mfa/disable`)
          .set(...bearer(user))
          .send({ password, code: c });

      await disable('wrong-passw0rd', code).expect(401);
      await disable(user.password, authenticator.wrongCode()).expect(401);
      expect((await me(user.accessToken).expect(200)).body.data.mfaEnabled).toBe(true);

      const res = await disable(user.password, code).expect(200);
      expect(res.body.data).toMatchObject({ id: user.id, mfaEnabled: false });
      const plain = await login(user.email, user.password).expect(200);
      expect(plain.body.data.tokens.accessToken).toEqual(expect.any(String));
    });

    it('refuses to enable before set-up and to disable when off (400)', async () => {
      const user = await createUser(t);
      const authenticator = new Authenticator(generateSecret());
      const enable = await t.http
        .post(`${API}/auth/mfa/enable`)
        .set(...bearer(user))
        .send({ code: authenticator.code() })
        .expect(400);
      expect(enable.body.error.code).toBe('MFA_NOT_SET_UP');
      const disable = await t.http
        .post(`${API}/auth/mfa/disable`)
        .set(...bearer(user))
        .send({ password: user.password, code: authenticator.code() })
        .expect(400);
      expect(disable.body.error.code).toBe('MFA_NOT_ENABLED');
      expect((await me(user.accessToken).expect(200)).body.data.mfaEnabled).toBe(false);
    });

    it('refuses a second set-up while MFA is on (409)', async () => {
      const user = await createUser(t);
      await enableMfaDirectly(user);
      await t.http
        .post(`${API}/auth/mfa/setup`)
        .set(...bearer(user))
        .send({ password: user.password })
        .expect(409);
    });
  });

  describe('deactivation and deletion by an admin', () => {
    let admin: TestUser;
    beforeAll(async () => {
      admin = await createUser(t, 'admin');
    });

    it('PATCH isActive false makes the live access token 401 at once, and refresh 401', async () => {
      const user = await createUser(t);
      await me(user.accessToken).expect(200);
      const res = await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ isActive: false })
        .expect(200);
      expect(res.body.data.isActive).toBe(false);
      await me(user.accessToken).expect(401);
      await refresh(user.refreshToken).expect(401);
    });

    it('keeps old tokens dead after the account is reactivated', async () => {
      await startOfASecond();
      const user = await createUser(t);
      await me(user.accessToken).expect(200);
      for (const isActive of [false, true]) {
        await t.http
          .patch(`${API}/users/${user.id}`)
          .set(...bearer(admin))
          .send({ isActive })
          .expect(200);
      }
      await me(user.accessToken).expect(401);
      await refresh(user.refreshToken).expect(401);
    });

    it('DELETE answers 204; the token dies at once, login is 401 and the user is 404', async () => {
      const user = await createUser(t);
      await me(user.accessToken).expect(200);
      const res = await t.http
        .delete(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .expect(204);
      expect(res.text).toBe('');
      await me(user.accessToken).expect(401);
      await refresh(user.refreshToken).expect(401);
      await login(user.email, user.password).expect(401);
      await t.http
        .get(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .expect(404);
      await t.http.post(`${API}/auth/password/forgot`).send({ email: user.email }).expect(202);
    });
  });

  describe('no secrets in responses', () => {
    it('never returns hashes, MFA secrets or the raw password (except the secret once from /mfa/setup)', async () => {
      const password = 'Secret-passw0rd-xyz';
      const email = uniqueEmail('secret');
      const texts: string[] = [];
      const keep = (res: Response) => {
        texts.push(JSON.stringify(res.body));
        return res;
      };
      const reg = keep(
        await t.http
          .post(`${API}/auth/register`)
          .send({ email, password, fullName: 'Secretive' })
          .expect(201),
      );
      const access = reg.body.data.tokens.accessToken as string;
      keep(await login(email, password).expect(200));
      const setup = await t.http
        .post(`${API}/auth/mfa/setup`)
        .set(...bearerToken(access))
        .send({ password })
        .expect(200);
      const { secret } = setup.body.data as { secret: string };
      const authenticator = new Authenticator(secret);
      keep(
        await t.http
          .post(`${API}/auth/mfa/enable`)
          .set(...bearerToken(access))
          .send({ code: authenticator.code() })
          .expect(200),
      );
      const challenge = keep(await login(email, password).expect(200));
      keep(
        await t.http
          .post(`${API}/auth/mfa/login`)
          .send({ mfaToken: challenge.body.data.mfaToken, code: authenticator.code() })
          .expect(200),
      );
      keep(await me(access).expect(200));
      const admin = await createUser(t, 'admin');
      const list = keep(
        await t.http
          .get(`${API}/users`)
          .query({ pageSize: 100 })
          .set(...bearer(admin))
          .expect(200),
      );
      expect(list.body.data.map((u: { email: string }) => u.email)).toContain(email);

      const [row] = await t.dataSource.query<Array<{ password_hash: string; mfa_secret: string }>>(
        'SELECT password_hash, mfa_secret FROM users WHERE email = $1',
        [email],
      );
      expect(row.mfa_secret).toEqual(expect.any(String));
      const forbidden = [
        'passwordHash',
        'password_hash',
        'mfaSecret',
        'mfa_secret',
        'tokenHash',
        'token_hash',
        password,
        secret,
        row.password_hash,
        row.mfa_secret,
      ];
      for (const text of texts) {
        for (const word of forbidden) expect(text).not.toContain(word);
      }
    });
  });
});
