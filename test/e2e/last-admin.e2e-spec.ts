import type { Response } from 'supertest';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API } from '../utils/contract';
import { expectError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * The last active admin stays: PATCH /users/:id (demotion, deactivation) and DELETE /users/:id
 * refuse to remove it with erasure's 409 LAST_ACTIVE_ADMIN, under the same row locks. A request
 * needs an active admin as its caller, so the target is the last one only when the caller stops
 * being one meanwhile: the tests hold the admins' rows locked in a transaction of their own (the
 * gate), wait until the requests queue behind it (pg_blocking_pids, no sleep), then release it.
 */
describe('Last active admin (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  interface Row {
    role: string;
    is_active: boolean;
    deleted_at: Date | null;
    tokens_valid_after: Date | null;
    updated_at: Date;
  }

  const row = async (id: string): Promise<Row> =>
    (
      await t.dataSource.query<Row[]>(
        `SELECT role, is_active, deleted_at, tokens_valid_after, updated_at FROM users
          WHERE id = $1`,
        [id],
      )
    )[0];

  const activeAdmins = async (): Promise<string[]> =>
    (
      await t.dataSource.query<Array<{ id: string }>>(
        `SELECT id FROM users WHERE role = 'admin' AND is_active AND deleted_at IS NULL ORDER BY id`,
      )
    ).map((r) => r.id);

  const auditedChanges = async (id: string): Promise<number> =>
    (
      await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM audit_events
          WHERE resource_id = $1 AND action IN ('user.updated', 'user.deleted')`,
        [id],
      )
    )[0].count;

  /** Two fresh admins, the only active ones (every other admin is deactivated). */
  async function twoAdmins(): Promise<[TestUser, TestUser]> {
    const first = await createUser(t, 'admin');
    const second = await createUser(t, 'admin');
    await t.dataSource.query(
      `UPDATE users SET is_active = false WHERE role = 'admin' AND NOT (id = ANY($1::uuid[]))`,
      [[first.id, second.id]],
    );
    expect(await activeAdmins()).toEqual([first.id, second.id].sort());
    return [first, second];
  }

  const patch = (caller: TestUser, id: string, body: object): Promise<Response> =>
    t.http
      .patch(`${API}/users/${id}`)
      .set(...bearer(caller))
      .send(body)
      .then((res) => res);

  const remove = (caller: TestUser, id: string): Promise<Response> =>
    t.http
      .delete(`${API}/users/${id}`)
      .set(...bearer(caller))
      .then((res) => res);

  /**
   * Locks the users rows of `ids` in a transaction on a connection of its own. `queued(n)` waits
   * until n other sessions of this (test-only) database wait for a lock, behind the gate or
   * behind one another (a second waiter for a row queues behind the first); `release(sql,
   * params)` runs `sql` in the transaction, then commits.
   */
  async function gate(ids: string[]) {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT id FROM users WHERE id = ANY($1::uuid[]) FOR UPDATE`, [ids]);
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{
      pid: number;
    }>;
    let open = true;
    const release = async (sql?: string, params: unknown[] = []) => {
      if (!open) return;
      open = false;
      try {
        if (sql) await runner.query(sql, params);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
    };
    const queued = (n: number) =>
      pollUntil(
        async () =>
          (
            await t.dataSource.query<Array<{ count: number }>>(
              `SELECT count(*)::int AS count FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> $1
                  AND cardinality(pg_blocking_pids(pid)) > 0`,
              [pid],
            )
          )[0].count >= n,
        { what: `${n} request(s) waiting for the locked admins` },
      );
    return { release, queued };
  }

  /**
   * `caller` asks to remove `target`, the other of two active admins; while the request waits
   * for the admins' rows, the caller is deactivated (and commits first): `target` is then the
   * last active admin.
   */
  async function whileCallerIsDeactivated(
    send: (caller: TestUser, target: TestUser) => Promise<Response>,
  ): Promise<{ res: Response; caller: TestUser; target: TestUser; before: Row }> {
    const [caller, target] = await twoAdmins();
    const before = await row(target.id);
    const lock = await gate([caller.id, target.id]);
    const pending = send(caller, target);
    try {
      await lock.queued(1);
      await lock.release(`UPDATE users SET is_active = false WHERE id = $1`, [caller.id]);
    } finally {
      await lock.release();
    }
    return { res: await pending, caller, target, before };
  }

  async function expectUnchanged(target: TestUser, before: Row): Promise<void> {
    expect(await row(target.id)).toEqual(before);
    expect(before).toMatchObject({ role: 'admin', is_active: true, deleted_at: null });
    expect(await auditedChanges(target.id)).toBe(0);
    expect(await activeAdmins()).toEqual([target.id]);
    // Still an admin with a valid session.
    await t.http
      .get(`${API}/users`)
      .set(...bearer(target))
      .expect(200);
  }

  it('refuses to demote the only active admin: 409 LAST_ACTIVE_ADMIN, nothing changes', async () => {
    const { res, target, before } = await whileCallerIsDeactivated((caller, target) =>
      patch(caller, target.id, { role: 'student', fullName: 'Renamed' }),
    );
    expectError(res, 409, 'LAST_ACTIVE_ADMIN');
    expectMatchesOpenApi(res, 'patch', '/api/v1/users/{id}');
    await expectUnchanged(target, before);
    expect((await t.http.get(`${API}/users/me`).set(...bearer(target))).body.data).toMatchObject({
      fullName: target.fullName,
      role: 'admin',
    });
  });

  it('refuses to deactivate the only active admin: 409 LAST_ACTIVE_ADMIN, nothing changes', async () => {
    const { res, target, before } = await whileCallerIsDeactivated((caller, target) =>
      patch(caller, target.id, { isActive: false }),
    );
    expectError(res, 409, 'LAST_ACTIVE_ADMIN');
    expectMatchesOpenApi(res, 'patch', '/api/v1/users/{id}');
    await expectUnchanged(target, before);
  });

  it('refuses to delete the only active admin: 409 LAST_ACTIVE_ADMIN, nothing changes', async () => {
    const { res, target, before } = await whileCallerIsDeactivated((caller, target) =>
      remove(caller, target.id),
    );
    expectError(res, 409, 'LAST_ACTIVE_ADMIN');
    expectMatchesOpenApi(res, 'delete', '/api/v1/users/{id}');
    await expectUnchanged(target, before);
  });

  it('still refuses to erase the only active admin, through the same locks', async () => {
    const { res, target, before } = await whileCallerIsDeactivated((caller, target) =>
      t.http
        .post(`${API}/users/${target.id}/erase`)
        .set(...bearer(caller))
        .send({})
        .then((r) => r),
    );
    expectError(res, 409, 'LAST_ACTIVE_ADMIN');
    expectMatchesOpenApi(res, 'post', '/api/v1/users/{id}/erase');
    expect(await row(target.id)).toEqual(before);
    expect(await activeAdmins()).toEqual([target.id]);
  });

  it('lets an admin demote another while two are active', async () => {
    const [first, second] = await twoAdmins();
    const res = await patch(first, second.id, { role: 'instructor' });
    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'patch', '/api/v1/users/{id}');
    expect(res.body.data).toMatchObject({ id: second.id, role: 'instructor', isActive: true });
    expect(await row(second.id)).toMatchObject({ role: 'instructor', is_active: true });
    expect(await activeAdmins()).toEqual([first.id]);
  });

  it('lets an admin deactivate or delete an inactive admin even when it is the last active one', async () => {
    const [first, second] = await twoAdmins();
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [second.id]);
    const demoted = await patch(first, second.id, { role: 'student', isActive: false });
    expect(demoted.status).toBe(200);
    expect((await remove(first, second.id)).status).toBe(204);
    expect(await row(second.id)).toMatchObject({ role: 'student', is_active: false });
    expect(await activeAdmins()).toEqual([first.id]);
  });

  it('of two admins demoting or deactivating each other at once, exactly one wins (5 rounds)', async () => {
    const bodies = [{ role: 'student' }, { isActive: false }, { role: 'instructor' }];
    for (let round = 0; round < 5; round++) {
      const [first, second] = await twoAdmins();
      const lock = await gate([first.id, second.id]);
      const pending = Promise.all([
        patch(first, second.id, bodies[round % bodies.length]),
        patch(second, first.id, bodies[(round + 1) % bodies.length]),
      ]);
      try {
        // Both are past authentication and inside their transactions, queued on the admins' rows.
        await lock.queued(2);
      } finally {
        await lock.release();
      }
      const results = await pending;
      const statuses = results.map((res) => res.status);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect([...statuses].sort()).toEqual([200, 409]);
      const refused = results.findIndex((res) => res.status === 409);
      expectError(results[refused], 409, 'LAST_ACTIVE_ADMIN');
      // The refused request's caller was the winner's target; the refused one's target remains.
      const survivor = refused === 0 ? second : first;
      expect(await activeAdmins()).toEqual([survivor.id]);
    }
  });
});
