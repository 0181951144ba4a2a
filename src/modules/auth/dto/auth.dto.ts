import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsStrongPassword } from '../../users/dto/password.rules';
import { trimmed } from '../../../common/validation/transforms';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct-horse-7' })
  @IsString()
  @MaxLength(128)
  password: string;
}

const SIX_DIGITS = /^\d{6}$/;

export class MfaLoginDto {
  @ApiProperty()
  @IsString()
  @MaxLength(2048)
  mfaToken: string;

  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be 6 digits' })
  code: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  refreshToken: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Also revokes this refresh token’s session' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refreshToken?: string;
}

export class PasswordConfirmationDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  password: string;
}

export class MfaCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be 6 digits' })
  code: string;
}

export class MfaDisableDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  password: string;

  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be 6 digits' })
  code: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class ResetPasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  token: string;

  @IsStrongPassword()
  newPassword: string;
}

export class VerifyEmailDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  token: string;
}
