import { createHmac, createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { ConfigType } from '@nestjs/config';
import { authConfig } from '../../config/configuration';
import { InvalidTokenError } from './auth.errors';
import {
  MFA_TOKEN_TTL_SECONDS,
  TokenClaims,
  TokenService,
  VERIFIED_TOKENS_KEPT,
} from './token.service';

const SECRET = 'unit-test-secret-of-at-least-32-characters';
const USER_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c10';

const cfg = {
  jwtSecret: SECRET,
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  encryptionKey: SECRET,
  argon2MemoryCost: 1024,
  argon2TimeCost: 1,
  loginMaxFailures: 5,
  loginLockSeconds: 900,
} satisfies ConfigType<typeof authConfig>;

const decode = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
const header = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('TokenService', () => {
  // Configured as AuthModule configures it: one key object, HS256 only.
  const jwt = new JwtService({
    secret: createSecretKey(Buffer.from(SECRET)),
    signOptions: { algorithm: 'HS256' },
    verifyOptions: { algorithms: ['HS256'] },
  });
  const tokens = new TokenService(jwt, cfg);
  const sign = (payload: object, secret = SECRET) =>
    jwt.sign(payload, { secret, algorithm: 'HS256' });

  describe('access tokens', () => {
    it('carry sub, role, jti, type access, iat and exp 15 minutes later, signed HS256', () => {
      const before = nowSeconds();
      const signed = tokens.signAccess(USER_ID, 'instructor', 0);
      const claims = decode(signed.token);
      expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'jti', 'role', 'sub', 'type']);
      expect(claims).toMatchObject({ sub: USER_ID, role: 'instructor', type: 'access' });
      expect(claims.jti).toBe(signed.jti);
      expect(signed.jti).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(nowSeconds());
      expect(claims.exp).toBe((claims.iat as number) + 900);
      expect(signed.expiresIn).toBe(900);
      expect(header(signed.token)).toMatchObject({ alg: 'HS256' });
    });

    it('get a fresh jti each time', () => {
      const a = tokens.signAccess(USER_ID, 'student', 0);
      const b = tokens.signAccess(USER_ID, 'student', 0);
      expect(a.jti).not.toBe(b.jti);
    });

    it('verify as access and return their claims', () => {
      const signed = tokens.signAccess(USER_ID, 'admin', 0);
      const claims: TokenClaims = tokens.verify(signed.token, 'access');
      expect(claims).toMatchObject({
        sub: USER_ID,
        role: 'admin',
        type: 'access',
        jti: signed.jti,
      });
    });

    it('are refused as mfa tokens', () => {
      const signed = tokens.signAccess(USER_ID, 'student', 0);
      expect(() => tokens.verify(signed.token, 'mfa')).toThrow(InvalidTokenError);
    });

    it('use notBefore as iat when it lies ahead, and keep the full lifetime after it', () => {
      const notBefore = nowSeconds() + 5;
      const claims = decode(tokens.signAccess(USER_ID, 'student', notBefore).token);
      expect(claims.iat).toBe(notBefore);
      expect(claims.exp).toBe(notBefore + 900);
    });

    it('still verify when iat was raised to a notBefore a moment ahead', () => {
      const signed = tokens.signAccess(USER_ID, 'student', nowSeconds() + 2);
      expect(tokens.verify(signed.token, 'access').sub).toBe(USER_ID);
    });

    it('use the current time as iat when notBefore is in the past', () => {
      const before = nowSeconds();
      const claims = decode(tokens.signAccess(USER_ID, 'student', before - 3600).token);
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(nowSeconds());
    });
  });

  describe('mfa tokens', () => {
    it('carry type mfa and live 10 minutes', () => {
      const signed = tokens.signMfa(USER_ID, 'student', 0);
      const claims = decode(signed.token);
      expect(claims).toMatchObject({ sub: USER_ID, role: 'student', type: 'mfa', jti: signed.jti });
      expect(claims.exp).toBe((claims.iat as number) + MFA_TOKEN_TTL_SECONDS);
      expect(MFA_TOKEN_TTL_SECONDS).toBe(600);
      expect(signed.expiresIn).toBe(600);
    });

    it('verify as mfa and are refused as access tokens', () => {
      const signed = tokens.signMfa(USER_ID, 'student', 0);
      expect(tokens.verify(signed.token, 'mfa').jti).toBe(signed.jti);
      expect(() => tokens.verify(signed.token, 'access')).toThrow(InvalidTokenError);
    });
  });

  describe('a token verified before', () => {
    afterEach(() => jest.restoreAllMocks());

    it('is not verified again: the same frozen claims come back', () => {
      const fresh = new TokenService(jwt, cfg);
      const signed = fresh.signAccess(USER_ID, 'student', 0);
      const verify = jest.spyOn(jwt, 'verify');
      const first = fresh.verify(signed.token, 'access');
      expect(fresh.verify(signed.token, 'access')).toBe(first);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(Object.isFrozen(first)).toBe(true);
    });

    it('is still refused as another type of token', () => {
      const fresh = new TokenService(jwt, cfg);
      const signed = fresh.signAccess(USER_ID, 'student', 0);
      fresh.verify(signed.token, 'access');
      expect(() => fresh.verify(signed.token, 'mfa')).toThrow(InvalidTokenError);
      expect(fresh.verify(signed.token, 'access').sub).toBe(USER_ID);
    });

    it('is refused from the second its expiry is reached, as jsonwebtoken refuses it', () => {
      const fresh = new TokenService(jwt, cfg);
      const signed = fresh.signMfa(USER_ID, 'student', 0);
      const { exp } = fresh.verify(signed.token, 'mfa');
      jest.spyOn(Date, 'now').mockReturnValue(exp * 1000 - 1);
      expect(fresh.verify(signed.token, 'mfa').exp).toBe(exp);
      jest.spyOn(Date, 'now').mockReturnValue(exp * 1000);
      expect(() => fresh.verify(signed.token, 'mfa')).toThrow(InvalidTokenError);
      expect(() => fresh.verify(signed.token, 'mfa')).toThrow(InvalidTokenError);
      expect(() => tokens.verify(signed.token, 'mfa')).toThrow(InvalidTokenError);
    });

    it(`is verified afresh once ${VERIFIED_TOKENS_KEPT} newer ones were verified`, () => {
      const fresh = new TokenService(jwt, cfg);
      const oldest = fresh.signAccess(USER_ID, 'student', 0).token;
      fresh.verify(oldest, 'access');
      for (let i = 0; i < VERIFIED_TOKENS_KEPT; i++) {
        fresh.verify(fresh.signAccess(USER_ID, 'student', 0).token, 'access');
      }
      const verify = jest.spyOn(jwt, 'verify');
      expect(fresh.verify(oldest, 'access').sub).toBe(USER_ID);
      expect(verify).toHaveBeenCalledTimes(1);
    });
  });

  describe('verify refuses', () => {
    const valid = () => {
      const iat = nowSeconds();
      return { sub: USER_ID, role: 'student', jti: 'a-jti', type: 'access', iat, exp: iat + 60 };
    };

    it('a control token signed the same way (so the refusals below are meaningful)', () => {
      expect(tokens.verify(sign(valid()), 'access').sub).toBe(USER_ID);
    });

    it('a token signed with another secret', () => {
      const token = sign(valid(), 'another-secret-of-at-least-32-characters');
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it('a token whose payload was changed', () => {
      const [h, , s] = sign(valid()).split('.');
      const forged = Buffer.from(JSON.stringify({ ...valid(), role: 'admin' })).toString(
        'base64url',
      );
      expect(() => tokens.verify(`${h}.${forged}.${s}`, 'access')).toThrow(InvalidTokenError);
    });

    it('an unsigned alg:none token', () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const token = `${part({ alg: 'none', typ: 'JWT' })}.${part(valid())}.`;
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it('a token signed with another HMAC algorithm (HS512)', () => {
      const token = jwt.sign(valid(), { secret: SECRET, algorithm: 'HS512' });
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it('an expired token', () => {
      const iat = nowSeconds() - 1000;
      const token = sign({ ...valid(), iat, exp: iat + 900 });
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it.each([
      ['without a type', { type: undefined }],
      ['of type refresh', { type: 'refresh' }],
      ['of type reset', { type: 'reset' }],
      ['without a sub', { sub: undefined }],
      ['with a numeric sub', { sub: 42 }],
      ['without a jti', { jti: undefined }],
    ])('a token %s', (_label, change) => {
      const token = sign({ ...valid(), ...change });
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it('a token without exp (it could never expire, nor its revocation be kept)', () => {
      const claims: Record<string, unknown> = valid();
      delete claims.exp;
      expect(() => tokens.verify(sign(claims), 'access')).toThrow(InvalidTokenError);
    });

    it('a token without iat (it would escape the token cut-off)', () => {
      const claims: Record<string, unknown> = valid();
      delete claims.iat;
      const token = jwt.sign(claims, { secret: SECRET, algorithm: 'HS256', noTimestamp: true });
      expect(decode(token).iat).toBeUndefined();
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it.each([
      ['a string exp', { exp: 'never' }],
      ['a string iat', { iat: 'now' }],
    ])('a token with %s', (_label, change) => {
      // Signed by hand: jsonwebtoken refuses to sign such claims, but a forger would not ask it.
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...valid(), ...change })}`;
      const token = `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });

    it.each([[''], ['garbage'], ['a.b.c']])('the malformed token %j', (token) => {
      expect(() => tokens.verify(token, 'access')).toThrow(InvalidTokenError);
    });
  });
});
