import { randomUUID } from 'node:crypto';
import { UsersService } from '../../src/modules/users/users.service';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { API, payload, UserBody } from '../utils/contract';

describe('Users (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let student: TestUser;
  let instructor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    student = await createUser(t, 'student');
    instructor = await createUser(t, 'instructor');
  });
  afterAll(() => t.close());

  const tag = () => `tag${randomUUID().slice(0, 8)}`;

  describe('GET /users/me', () => {
    it('returns the caller', async () => {
      const res = await t.http
        .get(`${API}/users/me`)
        .set(...bearer(student))
        .expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/users/me');
      expect(res.body.data).toMatchObject({
        id: student.id,
        email: student.email,
        role: 'student',
        isActive: true,
        metadata: {},
      });
    });

    it('answers 401 without a token', async () => {
      const res = await t.http.get(`${API}/users/me`).expect(401);
      expectMatchesOpenApi(res, 'get', '/api/v1/users/me');
      expect(res.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    });
  });

  describe('PATCH /users/me', () => {
    it('updates the full name (trimmed) and metadata, and GET /me shows them', async () => {
      const user = await createUser(t);
      const metadata = { locale: 'fr', preferences: { theme: 'dark', size: 3 } };
      const res = await t.http
        .patch(`${API}/users/me`)
        .set(...bearer(user))
        .send({ fullName: '  Grace Hopper ', metadata })
        .expect(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/users/me');
      expect(res.body.data).toMatchObject({ id: user.id, fullName: 'Grace Hopper', metadata });
      const me = await t.http
        .get(`${API}/users/me`)
        .set(...bearer(user))
        .expect(200);
      expect(me.body.data).toMatchObject({ fullName: 'Grace Hopper', metadata });
    });

    it('keeps fields that are not sent', async () => {
      const user = await createUser(t, 'student', { fullName: 'Kept Name' });
      const res = await t.http
        .patch(`${API}/users/me`)
        .set(...bearer(user))
        .send({ metadata: { a: 1 } })
        .expect(200);
      expect(res.body.data).toMatchObject({ fullName: 'Kept Name', metadata: { a: 1 } });
    });

    it.each([
      ['role', { role: 'admin' }],
      ['email', { email: 'new@example.com' }],
      ['isActive', { isActive: false }],
    ])('rejects %s in the body with 422 and changes nothing', async (field, body) => {
      const user = await createUser(t);
      const res = await t.http
        .patch(`${API}/users/me`)
        .set(...bearer(user))
        .send({ fullName: 'Should Not Apply', ...body })
        .expect(422);
      expectMatchesOpenApi(res, 'patch', '/api/v1/users/me');
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      const me = await t.http
        .get(`${API}/users/me`)
        .set(...bearer(user))
        .expect(200);
      expect(me.body.data).toMatchObject({
        role: 'student',
        email: user.email,
        isActive: true,
        fullName: user.fullName,
      });
    });

    it.each([
      ['an empty full name', { fullName: '   ' }],
      ['metadata that is not an object', { metadata: ['a'] }],
      ['metadata over 16 KB', { metadata: { blob: 'x'.repeat(17_000) } }],
    ])('rejects %s with 422', async (_label, body) => {
      await t.http
        .patch(`${API}/users/me`)
        .set(...bearer(student))
        .send(body)
        .expect(422);
    });
  });

  describe('admin list GET /users', () => {
    let marker: string;
    let members: UserBody[];

    /** Five users whose name or email carries `marker`, created one after the other. */
    beforeAll(async () => {
      marker = tag();
      const specs = [
        { email: `c-${marker}@example.com`, fullName: 'Charlie', role: 'student' },
        { email: `a-${marker}@example.com`, fullName: 'Alice', role: 'instructor' },
        {
          email: `e-${randomUUID().slice(0, 8)}@example.com`,
          fullName: `Eve ${marker}`,
          role: 'student',
        },
        { email: `b-${marker}@example.com`, fullName: 'Bob', role: 'instructor' },
        { email: `d-${marker}@example.com`, fullName: 'Dora', role: 'student' },
      ] as const;
      members = [];
      for (const spec of specs) {
        const res = await t.http
          .post(`${API}/users`)
          .set(...bearer(admin))
          .send({ ...spec, password: 'Passw0rd-list' })
          .expect(201);
        members.push(payload<UserBody>(res));
      }
      await t.http
        .patch(`${API}/users/${members[4].id}`)
        .set(...bearer(admin))
        .send({ isActive: false })
        .expect(200);
    });

    const list = (query: Record<string, string | number | boolean>) =>
      t.http
        .get(`${API}/users`)
        .query(query)
        .set(...bearer(admin));
    const ids = (body: { data: UserBody[] }) => body.data.map((u) => u.id);

    it('paginates with meta page, pageSize, total and totalPages', async () => {
      const first = await list({ q: marker, pageSize: 2 }).expect(200);
      expectMatchesOpenApi(first, 'get', '/api/v1/users');
      expect(first.body.meta).toEqual({ page: 1, pageSize: 2, total: 5, totalPages: 3 });
      expect(first.body.data).toHaveLength(2);
      const last = await list({ q: marker, pageSize: 2, page: 3 }).expect(200);
      expect(last.body.meta).toEqual({ page: 3, pageSize: 2, total: 5, totalPages: 3 });
      expect(last.body.data).toHaveLength(1);
      const beyond = await list({ q: marker, pageSize: 2, page: 4 }).expect(200);
      expect(beyond.body.data).toEqual([]);
      const pages = [first, await list({ q: marker, pageSize: 2, page: 2 }).expect(200), last];
      expect(new Set(pages.flatMap((p) => ids(p.body)))).toEqual(new Set(members.map((m) => m.id)));
    });

    it('defaults to page 1 of 20, newest first', async () => {
      const res = await list({ q: marker }).expect(200);
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 5, totalPages: 1 });
      expect(ids(res.body)).toEqual(members.map((m) => m.id).reverse());
    });

    it('sorts by -createdAt and by email', async () => {
      const newest = await list({ q: marker, sort: '-createdAt' }).expect(200);
      expect(ids(newest.body)).toEqual(members.map((m) => m.id).reverse());
      const oldest = await list({ q: marker, sort: 'createdAt' }).expect(200);
      expect(ids(oldest.body)).toEqual(members.map((m) => m.id));
      const byEmail = await list({ q: marker, sort: 'email' }).expect(200);
      const emails = byEmail.body.data.map((u: UserBody) => u.email);
      expect(emails).toEqual([...emails].sort());
      expect(emails[0]).toBe(`a-${marker}@example.com`);
      const byEmailDesc = await list({ q: marker, sort: '-email' }).expect(200);
      expect(byEmailDesc.body.data.map((u: UserBody) => u.email)).toEqual([...emails].reverse());
    });

    it.each([['password'], ['passwordHash'], ['role'], ['--email']])(
      'rejects sort=%s with 422',
      async (sort) => {
        const res = await list({ sort }).expect(422);
        expectMatchesOpenApi(res, 'get', '/api/v1/users');
        expect(res.body.error.details[0].field).toBe('sort');
      },
    );

    it('filters by role', async () => {
      const res = await list({ q: marker, role: 'instructor' }).expect(200);
      expect(new Set(ids(res.body))).toEqual(new Set([members[1].id, members[3].id]));
      expect(res.body.meta.total).toBe(2);
      await list({ role: 'superuser' }).expect(422);
    });

    it('filters by isActive true and false', async () => {
      const inactive = await list({ q: marker, isActive: false }).expect(200);
      expect(ids(inactive.body)).toEqual([members[4].id]);
      const active = await list({ q: marker, isActive: true }).expect(200);
      expect(new Set(ids(active.body))).toEqual(new Set(members.slice(0, 4).map((m) => m.id)));
      await list({ isActive: 'maybe' }).expect(422);
    });

    it('searches email and full name case-insensitively', async () => {
      const byName = await list({ q: `EVE ${marker.toUpperCase()}` }).expect(200);
      expect(ids(byName.body)).toEqual([members[2].id]);
      const byEmail = await list({ q: `A-${marker.toUpperCase()}@EXAMPLE` }).expect(200);
      expect(ids(byEmail.body)).toEqual([members[1].id]);
      const none = await list({ q: `zz-${marker}` }).expect(200);
      expect(none.body).toMatchObject({ data: [], meta: { total: 0, totalPages: 0 } });
    });

    it('treats % and _ in q literally', async () => {
      const percent = await list({ q: '%' }).expect(200);
      expect(percent.body.meta.total).toBe(0);
      const underscore = await list({ q: `${marker.slice(0, 4)}_` }).expect(200);
      expect(underscore.body.meta.total).toBe(0);
    });

    it('combines filters', async () => {
      const res = await list({ q: marker, role: 'student', isActive: true, sort: 'email' }).expect(
        200,
      );
      expect(ids(res.body)).toEqual([members[0].id, members[2].id]);
    });

    it('rejects pageSize over 100 and page 0 with 422', async () => {
      await list({ pageSize: 101 }).expect(422);
      await list({ page: 0 }).expect(422);
    });
  });

  describe('admin create POST /users', () => {
    it('creates an instructor (201) who can log in, and 409 for the same email in another case', async () => {
      const email = `Instr-${randomUUID().slice(0, 8)}@Example.com`;
      const res = await t.http
        .post(`${API}/users`)
        .set(...bearer(admin))
        .send({ email, password: 'Passw0rd-instr', fullName: 'Ina Structor', role: 'instructor' })
        .expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/users');
      expect(res.body.data).toMatchObject({
        email: email.toLowerCase(),
        role: 'instructor',
        isActive: true,
        lastLoginAt: null,
      });
      const login = await t.http
        .post(`${API}/auth/login`)
        .send({ email, password: 'Passw0rd-instr' })
        .expect(200);
      expect(login.body.data.user.role).toBe('instructor');

      const dup = await t.http
        .post(`${API}/users`)
        .set(...bearer(admin))
        .send({
          email: email.toUpperCase(),
          password: 'Passw0rd-instr',
          fullName: 'Again',
          role: 'student',
        })
        .expect(409);
      expectMatchesOpenApi(dup, 'post', '/api/v1/users');
    });

    it.each([
      ['an unknown role', { role: 'root' }],
      ['a missing role', { role: undefined }],
      ['a weak password', { password: 'weakpass' }],
      ['an invalid email', { email: 'not-an-email' }],
    ])('rejects %s with 422', async (_label, override) => {
      await t.http
        .post(`${API}/users`)
        .set(...bearer(admin))
        .send({
          email: `x-${randomUUID().slice(0, 8)}@example.com`,
          password: 'Passw0rd-x',
          fullName: 'X',
          role: 'student',
          ...override,
        })
        .expect(422);
    });
  });

  describe('admin GET /users/:id', () => {
    it('returns the user', async () => {
      const res = await t.http
        .get(`${API}/users/${student.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(res.body.data).toMatchObject({ id: student.id, email: student.email });
    });

    it('answers 404 for an unknown uuid and 422 for a non-uuid', async () => {
      const missing = await t.http
        .get(`${API}/users/${randomUUID()}`)
        .set(...bearer(admin))
        .expect(404);
      expectMatchesOpenApi(missing, 'get', '/api/v1/users/{id}');
      expect(missing.body.error.code).toBe('NOT_FOUND');
      const bad = await t.http
        .get(`${API}/users/not-a-uuid`)
        .set(...bearer(admin))
        .expect(422);
      expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'id' })]);
      await t.http
        .patch(`${API}/users/not-a-uuid`)
        .set(...bearer(admin))
        .send({ fullName: 'X' })
        .expect(422);
      await t.http
        .delete(`${API}/users/not-a-uuid`)
        .set(...bearer(admin))
        .expect(422);
      await t.http
        .patch(`${API}/users/${randomUUID()}`)
        .set(...bearer(admin))
        .send({ fullName: 'X' })
        .expect(404);
      await t.http
        .delete(`${API}/users/${randomUUID()}`)
        .set(...bearer(admin))
        .expect(404);
    });
  });

  describe('admin PATCH and DELETE /users/:id', () => {
    it('changes name and role', async () => {
      const user = await createUser(t);
      const res = await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ fullName: ' Renamed ', role: 'instructor' })
        .expect(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/users/{id}');
      expect(res.body.data).toMatchObject({ fullName: 'Renamed', role: 'instructor' });
      await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ role: 'owner' })
        .expect(422);
      await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ email: 'other@example.com' })
        .expect(422);
    });

    it('applies a promotion at once: the same access token may then list users', async () => {
      const user = await createUser(t);
      await t.http
        .get(`${API}/users`)
        .set(...bearer(user))
        .expect(403);
      await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ role: 'admin' })
        .expect(200);
      const res = await t.http
        .get(`${API}/users`)
        .set(...bearer(user))
        .expect(200);
      expect(res.body.meta.total).toBeGreaterThan(0);
      const me = await t.http
        .get(`${API}/users/me`)
        .set(...bearer(user))
        .expect(200);
      expect(me.body.data.role).toBe('admin');
    });

    it('applies a demotion at once: the same access token is then 403 on admin routes', async () => {
      const other = await createUser(t, 'admin');
      await t.http
        .get(`${API}/users`)
        .set(...bearer(other))
        .expect(200);
      await t.http
        .patch(`${API}/users/${other.id}`)
        .set(...bearer(admin))
        .send({ role: 'student' })
        .expect(200);
      await t.http
        .get(`${API}/users`)
        .set(...bearer(other))
        .expect(403);
    });

    it('forbids admins to deactivate, demote or delete themselves (403)', async () => {
      const self = await createUser(t, 'admin');
      for (const body of [{ isActive: false }, { role: 'student' }, { role: 'instructor' }]) {
        const res = await t.http
          .patch(`${API}/users/${self.id}`)
          .set(...bearer(self))
          .send(body)
          .expect(403);
        expectMatchesOpenApi(res, 'patch', '/api/v1/users/{id}');
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      await t.http
        .delete(`${API}/users/${self.id}`)
        .set(...bearer(self))
        .expect(403);
      const me = await t.http
        .get(`${API}/users/me`)
        .set(...bearer(self))
        .expect(200);
      expect(me.body.data).toMatchObject({ role: 'admin', isActive: true });
      const renamed = await t.http
        .patch(`${API}/users/${self.id}`)
        .set(...bearer(self))
        .send({ fullName: 'Still Admin' })
        .expect(200);
      expect(renamed.body.data.fullName).toBe('Still Admin');
    });

    it('soft-deletes: 204, gone from the list and from GET, kept in the database', async () => {
      const marker = tag();
      const user = await createUser(t, 'student', { fullName: `Doomed ${marker}` });
      const res = await t.http
        .delete(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .expect(204);
      expect(res.text).toBe('');
      await t.http
        .get(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .expect(404);
      await t.http
        .delete(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .expect(404);
      const list = await t.http
        .get(`${API}/users`)
        .query({ q: marker })
        .set(...bearer(admin))
        .expect(200);
      expect(list.body.meta.total).toBe(0);
      const [row] = await t.dataSource.query<Array<{ is_active: boolean; deleted_at: Date }>>(
        'SELECT is_active, deleted_at FROM users WHERE id = $1',
        [user.id],
      );
      expect(row.is_active).toBe(false);
      expect(row.deleted_at).not.toBeNull();
      // The address stays taken: a soft-deleted account is not reusable.
      await t.http
        .post(`${API}/users`)
        .set(...bearer(admin))
        .send({ email: user.email, password: 'Passw0rd-x', fullName: 'X', role: 'student' })
        .expect(409);
    });
  });

  describe('access control', () => {
    const adminRoutes = (id: string) =>
      [
        { method: 'get', path: `${API}/users`, body: undefined },
        {
          method: 'post',
          path: `${API}/users`,
          body: {
            email: `ac-${randomUUID().slice(0, 8)}@example.com`,
            password: 'Passw0rd-ac',
            fullName: 'AC',
            role: 'admin',
          },
        },
        { method: 'get', path: `${API}/users/${id}`, body: undefined },
        { method: 'patch', path: `${API}/users/${id}`, body: { role: 'admin' } },
        { method: 'delete', path: `${API}/users/${id}`, body: undefined },
      ] as const;

    const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const req = t.http[method](path);
      return body ? req.send(body) : req;
    };

    it.each([['student'], ['instructor']] as const)(
      'answers 403 to the %s on every admin route and changes nothing',
      async (role) => {
        const caller = role === 'student' ? student : instructor;
        const target = await createUser(t);
        for (const route of adminRoutes(target.id)) {
          const res = await call(route.method, route.path, route.body)
            .set(...bearer(caller))
            .expect(403);
          expect(res.body.error.code).toBe('FORBIDDEN');
        }
        const forbidden = await t.http
          .get(`${API}/users`)
          .set(...bearer(caller))
          .expect(403);
        expectMatchesOpenApi(forbidden, 'get', '/api/v1/users');
        const still = await t.app.get(UsersService).getById(target.id);
        expect(still).toMatchObject({ role: 'student', isActive: true });
      },
    );

    it('answers 401 without a token on every users route', async () => {
      const id = randomUUID();
      const routes = [
        ...adminRoutes(id),
        { method: 'get', path: `${API}/users/me`, body: undefined },
        { method: 'patch', path: `${API}/users/me`, body: { fullName: 'X' } },
        {
          method: 'post',
          path: `${API}/users/me/password`,
          body: { currentPassword: 'x', newPassword: 'Passw0rd-new' },
        },
      ] as const;
      for (const route of routes) {
        const res = await call(route.method, route.path, route.body).expect(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    });
  });
});
