import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/common/auth/roles';
import { UsersService } from '../../src/modules/users/users.service';
import type { TestApp } from '../utils/test-app';

export const DEFAULT_PASSWORD = 'Passw0rd-for-tests';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  fullName: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
}

export interface UserOverrides {
  email?: string;
  password?: string;
  fullName?: string;
}

/** Creates a user of any role through the service (as an admin would) and logs in over HTTP. */
export async function createUser(
  t: TestApp,
  role: Role = 'student',
  overrides: UserOverrides = {},
): Promise<TestUser> {
  const email = overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const fullName = overrides.fullName ?? `Test ${role}`;
  const user = await t.app.get(UsersService).create({ email, password, fullName, role });
  const res = await t.http.post('/api/v1/auth/login').send({ email, password }).expect(200);
  const tokens = res.body.data.tokens as { accessToken: string; refreshToken: string };
  return { id: user.id, email, password, fullName, role, ...tokens };
}

export const bearer = (user: { accessToken: string }): [string, string] => [
  'Authorization',
  `Bearer ${user.accessToken}`,
];
