import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../../users/dto/user.response';

export class TokensResponse {
  @ApiProperty({ description: 'JWT, 15 minutes' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, 30 days, single use: each refresh returns a new one' })
  refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
}

export class SessionResponse {
  @ApiProperty({ type: UserResponse }) user: UserResponse;
  @ApiProperty({ type: TokensResponse }) tokens: TokensResponse;
}

export class MfaChallengeResponse {
  @ApiProperty({ enum: [true] }) mfaRequired: true;
  @ApiProperty({ description: 'Send it with a TOTP code to /auth/mfa/login' }) mfaToken: string;
  @ApiProperty({ example: 600 }) expiresIn: number;
}

export class MfaSetupResponse {
  @ApiProperty({ description: 'Base32 TOTP secret, shown only here' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/LMS:ada%40example.com?secret=...' }) otpauthUrl: string;
}
