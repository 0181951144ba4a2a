export const ROLES = ['admin', 'instructor', 'student'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the authentication guard puts it on the request. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  /** The access token's id and expiry (unix seconds), for logout. */
  jti: string;
  exp: number;
}
