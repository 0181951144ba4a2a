import { TokenService } from '../../src/modules/auth/token.service';
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

  it('fails authenticated requests closed with 503: revocations cannot be checked', async () => {
    const user = await t.app.get(UsersService).create({
      email: 'closed@example.com',
      password: 'Closed-pass-1',
      fullName: 'Closed',
      role: 'student',
    });
    const { token } = t.app.get(TokenService).signAccess(user.id, 'student', 0);
    const res = await t.http.get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
  });

  it('answers logins with 503 rather than skipping the lockout check', async () => {
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'closed@example.com', password: 'Closed-pass-1' });
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
  });

  it('still serves the public catalogue: the course cache is only a cache', async () => {
    const res = await t.http.get('/api/v1/courses').expect(200);
    expect(res.body.meta.total).toBe(0);
  });
});
