import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import type { ClientInfo } from '../../common/decorators/client-info.decorator';
import { BadRequestError, ConflictError } from '../../common/errors/app-error';
import { appConfig, authConfig } from '../../config/configuration';
import { SecretBox } from '../../infra/crypto/secret-box';
import { AttemptLimiter } from '../../infra/attempts/attempt-limiter';
import { mailJob, MailService } from '../../infra/mail/mail.service';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxJob, OutboxService } from '../../infra/outbox/outbox.service';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { toUserResponse, UserResponse } from '../users/dto/user.response';
import { validAfterSeconds } from '../users/token-validity';
import { UsersService } from '../users/users.service';
import { InvalidCredentialsError, InvalidMfaCodeError, InvalidTokenError } from './auth.errors';
import { MfaChallengeResponse, MfaSetupResponse, SessionResponse } from './dto/auth.response';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity';
import { MFA_MAX_FAILURES, MfaService } from './mfa.service';
import { OneTimeTokensRepository } from './one-time-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevokedTokensStore } from './revoked-tokens.store';
import { hashToken, randomToken } from './token-hash';
import { MFA_TOKEN_TTL_SECONDS, TokenService } from './token.service';

const RESET_TTL_SECONDS = 30 * 60;
/** At most one reset mail per address in this many seconds. */
const RESET_MAIL_INTERVAL_SECONDS = 60;
const VERIFY_TTL_SECONDS = 24 * 3600;
/** The link mailed to accounts created by a bulk import. */
const SET_PASSWORD_TTL_SECONDS = 7 * 24 * 3600;

const ONE_TIME = {
  password_reset: { ttl: RESET_TTL_SECONDS, path: 'reset-password', template: 'password-reset' },
  email_verification: {
    ttl: VERIFY_TTL_SECONDS,
    path: 'verify-email',
    template: 'email-verification',
  },
} as const;

/** The queued request of POST /password/forgot: the same for known and unknown addresses. */
export interface PasswordResetRequest {
  email: string;
}

/** The queued mail of a reset or verification token: its id only, never the token. */
export interface AccountTokenMail {
  tokenId: string;
}

/** A user account as UsersService hands it out; auth never names the users module's entity. */
type Account = Awaited<ReturnType<UsersService['getById']>>;

const accountTokenJob = (tokenId: string): OutboxJob => ({
  queue: QUEUES.EMAIL,
  name: JOBS.SEND_ACCOUNT_TOKEN,
  payload: { tokenId } satisfies AccountTokenMail,
});

@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly oneTimeTokens: OneTimeTokensRepository,
    private readonly revoked: RevokedTokensStore,
    private readonly mfa: MfaService,
    private readonly secrets: SecretBox,
    private readonly attempts: AttemptLimiter,
    private readonly outbox: OutboxService,
    private readonly mail: MailService,
    @Inject(authConfig.KEY) private readonly cfg: ConfigType<typeof authConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  /** Setting a password, by reset or change, spends every other reset token of the user. */
  onModuleInit(): void {
    this.users.onPasswordSet((userId, manager) =>
      this.oneTimeTokens.spendAll(manager, userId, 'password_reset'),
    );
  }

  /** New student account, welcome mail and `user.registered` event in one transaction. */
  async register(
    data: { email: string; password: string; fullName: string },
    client: ClientInfo,
  ): Promise<SessionResponse> {
    const user = await this.dataSource.transaction(async (manager) => {
      const created = await this.users.create({ ...data, role: 'student' }, manager);
      await this.outbox.add(
        manager,
        mailJob({
          to: created.email,
          template: 'welcome',
          context: { fullName: created.fullName, email: created.email },
        }),
        domainEventJob('user.registered', toUserResponse(created)),
      );
      await this.users.auditCreated(manager, created, true);
      return created;
    });
    return this.startSession(user, client);
  }

  async login(
    email: string,
    password: string,
    client: ClientInfo,
  ): Promise<SessionResponse | MfaChallengeResponse> {
    const user = await this.users.verifyCredentials(email, password, client.ip);
    if (!user || !user.isActive || user.deletedAt) throw new InvalidCredentialsError();
    if (user.mfaEnabled) {
      const challenge = this.tokens.signMfa(
        user.id,
        user.role,
        validAfterSeconds(user.tokensValidAfter),
      );
      return { mfaRequired: true, mfaToken: challenge.token, expiresIn: MFA_TOKEN_TTL_SECONDS };
    }
    return this.startSession(user, client);
  }

  /**
   * Second step of an MFA login. Wrong codes count per account (see MfaService): the fifth voids
   * this MFA token and locks the account's MFA step, whatever token is presented next.
   */
  async loginWithMfa(mfaToken: string, code: string, client: ClientInfo): Promise<SessionResponse> {
    const claims = this.tokens.verify(mfaToken, 'mfa');
    if (await this.revoked.isRevoked(claims.jti)) throw new InvalidTokenError();
    const user = await this.users.getWithSecrets(claims.sub).catch(() => null);
    if (!user || !user.isActive || !user.mfaEnabled || !user.mfaSecret) {
      throw new InvalidTokenError();
    }
    // A challenge from before a password reset or deactivation is dead like any other token.
    if (claims.iat < validAfterSeconds(user.tokensValidAfter)) throw new InvalidTokenError();
    const check = await this.mfa.check(user.id, this.secrets.open(user.mfaSecret), code);
    if (!check.ok) {
      if (check.attempt >= MFA_MAX_FAILURES) await this.revoked.revoke(claims.jti, claims.exp);
      throw new InvalidMfaCodeError();
    }
    await this.revoked.revoke(claims.jti, claims.exp);
    return this.startSession(user, client);
  }

  /**
   * Spends the refresh token and returns a new session in the same family. A token that was
   * already spent (or revoked) revokes its whole family: someone is replaying a stolen token.
   */
  async refresh(rawToken: string, client: ClientInfo): Promise<SessionResponse> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const current = await this.refreshTokens.findByHashForUpdate(manager, hashToken(rawToken));
      if (!current) return { error: true as const };
      if (current.revokedAt) {
        await this.refreshTokens.revokeFamily(current.familyId, manager);
        return { error: true as const };
      }
      if (current.expiresAt.getTime() <= Date.now()) return { error: true as const };
      const user = await this.users.getById(current.userId).catch(() => null);
      if (!user || !user.isActive) return { error: true as const };
      if (current.createdAt.getTime() < user.tokensValidAfter.getTime()) {
        await this.refreshTokens.revokeFamily(current.familyId, manager);
        return { error: true as const };
      }
      const next = this.newRefreshToken();
      const saved = await this.refreshTokens.insert(
        { ...next.row, userId: user.id, familyId: current.familyId, ...this.clientColumns(client) },
        manager,
      );
      await this.refreshTokens.markReplaced(manager, current.id, saved.id);
      return { user, refreshToken: next.token };
    });
    // The family revocation above must be committed, so the error is thrown only now.
    if ('error' in outcome) throw new InvalidTokenError();
    return this.session(outcome.user, outcome.refreshToken);
  }

  /** The access token stops working at once; the refresh token's whole session too. */
  async logout(caller: AuthenticatedUser, refreshToken?: string): Promise<void> {
    await this.revoked.revoke(caller.jti, caller.exp);
    if (!refreshToken) return;
    const row = await this.refreshTokens.findByHash(hashToken(refreshToken));
    if (row && row.userId === caller.id) await this.refreshTokens.revokeFamily(row.familyId);
  }

  async setupMfa(userId: string, password: string, client: ClientInfo): Promise<MfaSetupResponse> {
    await this.users.verifyPassword(userId, password, client.ip);
    const user = await this.users.getById(userId);
    if (user.mfaEnabled) throw new ConflictError('MFA is already enabled', 'MFA_ALREADY_ENABLED');
    const secret = this.mfa.newSecret();
    await this.users.setMfa(userId, false, this.secrets.seal(secret));
    return { secret, otpauthUrl: this.mfa.otpauthUrl(secret, user.email) };
  }

  async enableMfa(userId: string, code: string): Promise<UserResponse> {
    const user = await this.users.getWithSecrets(userId);
    if (user.mfaEnabled) throw new ConflictError('MFA is already enabled', 'MFA_ALREADY_ENABLED');
    if (!user.mfaSecret) {
      throw new BadRequestError('Call /auth/mfa/setup first', [], 'MFA_NOT_SET_UP');
    }
    if (!(await this.mfa.check(userId, this.secrets.open(user.mfaSecret), code)).ok) {
      throw new InvalidMfaCodeError();
    }
    return toUserResponse(await this.users.switchMfa(userId, true, user.mfaSecret));
  }

  async disableMfa(
    userId: string,
    password: string,
    code: string,
    client: ClientInfo,
  ): Promise<UserResponse> {
    await this.users.verifyPassword(userId, password, client.ip);
    const user = await this.users.getWithSecrets(userId);
    if (!user.mfaEnabled || !user.mfaSecret) {
      throw new BadRequestError('MFA is not enabled', [], 'MFA_NOT_ENABLED');
    }
    if (!(await this.mfa.check(userId, this.secrets.open(user.mfaSecret), code)).ok) {
      throw new InvalidMfaCodeError();
    }
    return toUserResponse(await this.users.switchMfa(userId, false, null));
  }

  /**
   * Queues the request and returns: the same single insert for every address, so neither the
   * answer nor its timing says whether the account exists. The job does the per-user work.
   */
  async forgotPassword(email: string): Promise<void> {
    const request: PasswordResetRequest = { email: email.trim().toLowerCase() };
    await this.outbox.add(this.dataSource.manager, {
      queue: QUEUES.EMAIL,
      name: JOBS.REQUEST_PASSWORD_RESET,
      payload: request,
    });
  }

  /**
   * The queued part of a reset request: an active account gets a token row and its mail job, at
   * most once per address and minute (counted in the same transaction, so a failed attempt does
   * not use up the minute).
   */
  async handlePasswordResetRequest(request: PasswordResetRequest): Promise<void> {
    const user = await this.users.findByEmailWithSecrets(request.email);
    if (!user || !user.isActive || user.deletedAt) return;
    await this.dataSource.transaction(async (manager) => {
      const key = `reset-mail:${user.email}`;
      if ((await this.attempts.hit(key, RESET_MAIL_INTERVAL_SECONDS, manager)) > 1) return;
      await this.queueOneTimeToken(manager, user.id, 'password_reset');
    });
  }

  /**
   * Sends the mail of one token: mints the token now (only its hash is stored) and mails the link.
   * Nothing is sent for a token that was spent or expired meanwhile.
   */
  async sendAccountToken(job: AccountTokenMail): Promise<void> {
    const token = randomToken();
    const minted = await this.oneTimeTokens.mint(job.tokenId, hashToken(token));
    if (!minted) return;
    const user = await this.users.getById(minted.userId).catch(() => null);
    if (!user) return;
    const spec = ONE_TIME[minted.purpose];
    await this.mail.send({
      to: user.email,
      template: spec.template,
      context: {
        fullName: user.fullName,
        email: user.email,
        link: `${this.app.webUrl}/${spec.path}?token=${encodeURIComponent(token)}`,
      },
    });
  }

  /** Single use, 30 minutes; every session of the user ends. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const userId = await this.dataSource.transaction(async (manager) => {
      const owner = await this.oneTimeTokens.consume(manager, hashToken(token), 'password_reset');
      if (owner) await this.users.setPassword(owner, newPassword, manager);
      return owner;
    });
    if (!userId) throw new InvalidTokenError();
    // Again after the commit: a request between the in-transaction invalidation and the commit
    // may have cached the old state.
    await this.users.forgetAuthState(userId);
  }

  async requestEmailVerification(userId: string): Promise<void> {
    const user = await this.users.getById(userId);
    if (user.emailVerifiedAt) return;
    await this.dataSource.transaction((manager) =>
      this.queueOneTimeToken(manager, user.id, 'email_verification'),
    );
  }

  async verifyEmail(token: string): Promise<UserResponse> {
    const userId = await this.dataSource.transaction(async (manager) => {
      const owner = await this.oneTimeTokens.consume(
        manager,
        hashToken(token),
        'email_verification',
      );
      if (owner) await this.users.markEmailVerified(owner, manager);
      return owner;
    });
    if (!userId) throw new InvalidTokenError();
    return toUserResponse(await this.users.getById(userId));
  }

  /**
   * Removes refresh and one-time tokens that expired more than a day ago, revocations of expired
   * tokens and attempt counters whose window and lock ended.
   */
  async purgeExpiredTokens(): Promise<number> {
    const cutoff = new Date(Date.now() - 24 * 3600_000);
    const counts = await Promise.all([
      this.refreshTokens.deleteExpiredBefore(cutoff),
      this.oneTimeTokens.deleteExpiredBefore(cutoff),
      this.revoked.purgeExpiredBefore(new Date()),
      this.attempts.purgeEndedBefore(new Date()),
    ]);
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /**
   * For accounts created for someone else (bulk enrollment): a password link per user, valid 7
   * days, mailed through the same account-token job as resets. Two statements whatever the count.
   */
  async queueSetPasswordMails(manager: EntityManager, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const expiresAt = new Date(Date.now() + SET_PASSWORD_TTL_SECONDS * 1000);
    const ids = await this.oneTimeTokens.insertUnmintedMany(
      userIds,
      'password_reset',
      expiresAt,
      manager,
    );
    await this.outbox.add(manager, ...ids.map(accountTokenJob));
  }

  /** A token row (not minted yet) and the job that mails it, in the caller's transaction. */
  private async queueOneTimeToken(
    manager: EntityManager,
    userId: string,
    purpose: OneTimeTokenPurpose,
  ): Promise<void> {
    const expiresAt = new Date(Date.now() + ONE_TIME[purpose].ttl * 1000);
    const tokenId = await this.oneTimeTokens.insertUnminted(
      { userId, purpose, expiresAt },
      manager,
    );
    await this.outbox.add(manager, accountTokenJob(tokenId));
  }

  private async startSession(user: Account, client: ClientInfo): Promise<SessionResponse> {
    const next = this.newRefreshToken();
    await this.refreshTokens.insert({
      ...next.row,
      userId: user.id,
      familyId: randomUUID(),
      ...this.clientColumns(client),
    });
    await this.users.recordLogin(user.id);
    return this.session(await this.users.getById(user.id), next.token);
  }

  private session(user: Account, refreshToken: string): SessionResponse {
    const access = this.tokens.signAccess(
      user.id,
      user.role,
      validAfterSeconds(user.tokensValidAfter),
    );
    return {
      user: toUserResponse(user),
      tokens: {
        accessToken: access.token,
        refreshToken,
        tokenType: 'Bearer',
        expiresIn: access.expiresIn,
      },
    };
  }

  private newRefreshToken() {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + this.cfg.refreshTokenTtlSeconds * 1000);
    return { token, row: { tokenHash: hashToken(token), expiresAt } };
  }

  private clientColumns(client: ClientInfo) {
    return { ip: client.ip.slice(0, 64), userAgent: client.userAgent?.slice(0, 300) ?? null };
  }
}
