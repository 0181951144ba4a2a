import { bearer, createUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

describe('auth smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers, reads /me, refreshes, logs out', async () => {
    const reg = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'Ada@Example.com', password: 'abcdefg1', fullName: 'Ada' })
      .expect(201);
    expect(reg.body.data.user.email).toBe('ada@example.com');
    expect(reg.body.data.user.role).toBe('student');
    const access = reg.body.data.tokens.accessToken;
    const me = await t.http
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${access}`)
      .expect(200);
    expect(me.body.data.id).toBe(reg.body.data.user.id);
    const ref = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: reg.body.data.tokens.refreshToken })
      .expect(200);
    await t.http
      .post('/api/v1/auth/logout')
      .set('Authorization', `Bearer ${ref.body.data.tokens.accessToken}`)
      .send({})
      .expect(204);
    await t.http
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${ref.body.data.tokens.accessToken}`)
      .expect(401);
  });

  it('accepts a logout without any body', async () => {
    const user = await createUser(t, 'student');
    await t.http
      .post('/api/v1/auth/logout')
      .set(...bearer(user))
      .expect(204);
    await t.http
      .get('/api/v1/users/me')
      .set(...bearer(user))
      .expect(401);
  });

  it('lets admins list users and forbids students', async () => {
    const admin = await createUser(t, 'admin');
    const student = await createUser(t, 'student');
    const list = await t.http
      .get('/api/v1/users')
      .set(...bearer(admin))
      .expect(200);
    expect(list.body.meta.total).toBeGreaterThanOrEqual(2);
    await t.http
      .get('/api/v1/users')
      .set(...bearer(student))
      .expect(403);
  });
});
