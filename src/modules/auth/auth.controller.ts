import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { Client } from '../../common/decorators/client-info.decorator';
import type { ClientInfo } from '../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { RegisterUserDto } from '../users/dto/create-user.dto';
import { UserResponse } from '../users/dto/user.response';
import { AuthService } from './auth.service';
import {
  ForgotPasswordDto,
  LoginDto,
  LogoutDto,
  MfaCodeDto,
  MfaDisableDto,
  MfaLoginDto,
  PasswordConfirmationDto,
  RefreshDto,
  ResetPasswordDto,
  VerifyEmailDto,
} from './dto/auth.dto';
import { MfaChallengeResponse, MfaSetupResponse, SessionResponse } from './dto/auth.response';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('auth')
@RateLimit('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Idempotent()
  @Public()
  @ApiOperation({
    summary: 'Create a student account and log in',
    description: 'Sends a welcome mail.',
  })
  @ApiEnvelope(SessionResponse, { status: 201, errors: [409, 422] })
  register(@Body() body: RegisterUserDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return this.auth.register(body, client);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Log in',
    description:
      'Returns a session, or `{mfaRequired, mfaToken, expiresIn}` when MFA is on. Five failed ' +
      'password checks for one email from one IP within 15 minutes (logins, password changes, ' +
      'MFA set-up and disabling together) lock that pair for 15 minutes (423). Each attempt is ' +
      'counted before the password is checked, so parallel attempts cannot exceed the limit.',
  })
  @ApiEnvelope([SessionResponse, MfaChallengeResponse], { errors: [401, 422, 423] })
  login(
    @Body() body: LoginDto,
    @Client() client: ClientInfo,
  ): Promise<SessionResponse | MfaChallengeResponse> {
    return this.auth.login(body.email, body.password, client);
  }

  @Post('mfa/login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Second login step with a TOTP code',
    description:
      'Five wrong codes void the mfaToken and lock the MFA step of the account for 15 minutes ' +
      '(423), whatever mfaToken is used; codes are counted before they are checked.',
  })
  @ApiEnvelope(SessionResponse, { errors: [401, 422, 423] })
  mfaLogin(@Body() body: MfaLoginDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return this.auth.loginWithMfa(body.mfaToken, body.code, client);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'New session from a refresh token',
    description: 'The presented token is spent. Presenting a spent token revokes its whole family.',
  })
  @ApiEnvelope(SessionResponse, { errors: [401, 422] })
  refresh(@Body() body: RefreshDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return this.auth.refresh(body.refreshToken, client);
  }

  @Post('logout')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'End the session: the access token and the refresh token stop working at once',
  })
  @ApiEnvelope(null, { status: 204, errors: [422] })
  logout(@CurrentUser() caller: AuthenticatedUser, @Body() body: LogoutDto): Promise<void> {
    return this.auth.logout(caller, body.refreshToken);
  }

  @Post('mfa/setup')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Start TOTP set-up (30 s, 6 digits); MFA is on only after /mfa/enable',
    description: 'Wrong passwords count against the login limit of this email and IP (423).',
  })
  @ApiEnvelope(MfaSetupResponse, { errors: [401, 409, 422, 423] })
  setupMfa(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: PasswordConfirmationDto,
    @Client() client: ClientInfo,
  ): Promise<MfaSetupResponse> {
    return this.auth.setupMfa(caller.id, body.password, client);
  }

  @Post('mfa/enable')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Turn MFA on by confirming a code',
    description: 'Wrong codes count against the MFA limit of the account (423 after 5).',
  })
  @ApiEnvelope(UserResponse, { errors: [400, 401, 409, 422, 423] })
  enableMfa(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: MfaCodeDto,
  ): Promise<UserResponse> {
    return this.auth.enableMfa(caller.id, body.code);
  }

  @Post('mfa/disable')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Turn MFA off (password and a current code)',
    description:
      'Wrong passwords count against the login limit of this email and IP, wrong codes against ' +
      'the MFA limit of the account (423).',
  })
  @ApiEnvelope(UserResponse, { errors: [400, 401, 422, 423] })
  disableMfa(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: MfaDisableDto,
    @Client() client: ClientInfo,
  ): Promise<UserResponse> {
    return this.auth.disableMfa(caller.id, body.password, body.code, client);
  }

  @Post('password/forgot')
  @HttpCode(202)
  @Public()
  @ApiOperation({
    summary: 'Mail a password reset link',
    description:
      'Always 202, whether or not the account exists: the request is queued and answered before ' +
      'any look-up. At most one reset mail per address and minute. The link works once, for 30 ' +
      'minutes, and setting a password spends every other reset link of the account.',
  })
  @ApiEnvelope(null, { status: 202, errors: [422] })
  async forgotPassword(@Body() body: ForgotPasswordDto): Promise<null> {
    await this.auth.forgotPassword(body.email);
    return null;
  }

  @Post('password/reset')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Set a new password with a reset token; every session of the user ends',
  })
  @ApiEnvelope(null, { errors: [401, 422] })
  async resetPassword(@Body() body: ResetPasswordDto): Promise<null> {
    await this.auth.resetPassword(body.token, body.newPassword);
    return null;
  }

  @Post('email/verify/request')
  @HttpCode(202)
  @Auth()
  @ApiOperation({ summary: 'Mail an email verification link (valid 24 hours)' })
  @ApiEnvelope(null, { status: 202 })
  async requestEmailVerification(@CurrentUser() caller: AuthenticatedUser): Promise<null> {
    await this.auth.requestEmailVerification(caller.id);
    return null;
  }

  @Post('email/verify')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Confirm the email address with the mailed token' })
  @ApiEnvelope(UserResponse, { errors: [401, 422] })
  verifyEmail(@Body() body: VerifyEmailDto): Promise<UserResponse> {
    return this.auth.verifyEmail(body.token);
  }
}
