import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '../../../common/auth/roles';
import type { Role } from '../../../common/auth/roles';
import { User } from '../entities/user.entity';

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: 'Ada Lovelace' }) fullName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() isActive: boolean;
  @ApiProperty() mfaEnabled: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) emailVerifiedAt:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ type: Object, description: 'Free-form JSON set through PATCH /users/me' })
  metadata: Record<string, unknown>;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The only way a user leaves the API: no hash, secret or internal field can slip through. */
export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    isActive: user.isActive,
    mfaEnabled: user.mfaEnabled,
    emailVerifiedAt: iso(user.emailVerifiedAt),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLoginAt: iso(user.lastLoginAt),
    metadata: user.metadata,
  };
}
