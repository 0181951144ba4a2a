import { RevokedTokensStore } from '../../src/modules/auth/revoked-tokens.store';
import { TokenService } from '../../src/modules/auth/token.service';
import { validAfterSeconds } from '../../src/modules/users/token-validity';
import { UsersService } from '../../src/modules/users/users.service';
import { expectError } from '../utils/expectations';
import { createTestApp, TestApp } from '../utils/test-app';

/** Nothing listens there: Redis is "down" for this app from the start. */
const DEAD_REDIS_URL = 'redis://127.0.0.1:6399';

describe('with Redis unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: DEAD_REDIS_URL, RATE_LIMIT_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers authenticated requests from PostgreSQL: a valid token works, a revoked one does not', async () => {
    const user = await t.app.get(UsersService).create({
      email: 'closed@example.com',
      password: 'Closed-pass-1',
      fullName: 'Closed',
      role: 'student',
    });
    const tokens = t.app.get(TokenService);
    const notBefore = validAfterSeconds(user.tokensValidAfter);
    const live = tokens.signAccess(user.id, 'student', notBefore).token;
    const revoked = tokens.signAccess(user.id, 'student', notBefore);
    await t.app.get(RevokedTokensStore).revoke(revoked.jti, Math.floor(Date.now() / 1000) + 600);
    const me = (token: string) =>
      t.http.get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
    expect((await me(live)).status).toBe(200);
    expectError(await me(revoked.token), 401, 'INVALID_TOKEN');
  });

  it('logs in, and still counts failed logins (lockout in PostgreSQL)', async () => {
    const login = (password: string) =>
      t.http.post('/api/v1/auth/login').send({ email: 'closed@example.com', password });
    expect((await login('Closed-pass-1')).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expectError(await login('wrong-passw0rd'), 401, 'INVALID_CREDENTIALS');
    expectError(await login('Closed-pass-1'), 423, 'ACCOUNT_LOCKED');
  });

  it('still serves the public catalogue: the course cache is only a cache', async () => {
    const res = await t.http.get('/api/v1/courses').expect(200);
    expect(res.body.meta.total).toBe(0);
  });
});
