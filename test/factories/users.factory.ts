import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/common/auth/roles';
import { UsersService } from '../../src/modules/users/users.service';
import { apiClient, must } from '../utils/api-client';
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

/** Creates a user of any role through the service (as an admin would) and logs in with the SDK. */
export async function createUser(
  t: TestApp,
  role: Role = 'student',
  overrides: UserOverrides = {},
): Promise<TestUser> {
  const email = overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const fullName = overrides.fullName ?? `Test ${role}`;
  const user = await t.app.get(UsersService).create({ email, password, fullName, role });
  const session = must(
    await apiClient(t).POST('/api/v1/auth/login', { body: { email, password } }),
    `login of ${email}`,
  );
  if (!('tokens' in session)) throw new Error(`${email} was asked for an MFA code`);
  const { accessToken, refreshToken } = session.tokens;
  return { id: user.id, email, password, fullName, role, accessToken, refreshToken };
}

export const bearer = (user: { accessToken: string }): [string, string] => [
  'Authorization',
  `Bearer ${user.accessToken}`,
];
