import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import { ForbiddenError } from '../../common/errors/app-error';
import { Paginated } from '../../common/dto/paginated';
import { parseSort } from '../../common/dto/sort';
import { authConfig } from '../../config/configuration';
import { AttemptLimiter, AttemptPolicy } from '../../infra/attempts/attempt-limiter';
import { AuditLog } from '../audit/audit-log.service';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { nextTokenCutoff, validAfterSeconds } from './token-validity';
import { UserAuthState, UserStateCache } from './user-state.cache';
import { UserFilter, UsersRepository, UserSortField } from './users.repository';
import { LastActiveAdminError, UserNotFoundError, WrongPasswordError } from './users.errors';

export interface NewUser {
  email: string;
  password: string;
  fullName: string;
  role: Role;
}

export interface AdminUserChanges {
  fullName?: string;
  role?: Role;
  isActive?: boolean;
}

export interface UserListQuery extends UserFilter {
  page: number;
  pageSize: number;
  sort: string;
}

/** A user with the secrets the auth module needs (never mapped into responses). */
export type UserWithSecrets = User & { passwordHash: string; mfaSecret: string | null };

/** Told the id of a user whose displayed name changed. Must not throw. */
export type NameChangeListener = (userId: string) => Promise<void>;

/** Runs in the transaction that sets a new password (the auth module spends reset tokens). */
export type PasswordSetListener = (userId: string, manager: EntityManager) => Promise<void>;

/**
 * One counter per (email, client IP) for every password check: login, password change, MFA set-up
 * and disabling. Five failures lock the pair for LOGIN_LOCK_SECONDS, whichever route made them.
 */
const passwordAttemptsKey = (email: string, ip: string) => `password:${email}:${ip}`;

@Injectable()
export class UsersService {
  private readonly nameListeners: NameChangeListener[] = [];
  private readonly passwordSetListeners: PasswordSetListener[] = [];
  private readonly passwordPolicy: AttemptPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly stateCache: UserStateCache,
    private readonly attempts: AttemptLimiter,
    private readonly audit: AuditLog,
    @Inject(authConfig.KEY) cfg: ConfigType<typeof authConfig>,
  ) {
    this.passwordPolicy = {
      max: cfg.loginMaxFailures,
      windowSeconds: cfg.loginLockSeconds,
      lockSeconds: cfg.loginLockSeconds,
      lockedMessage: 'Too many failed password attempts: try again later',
    };
  }

  /** Registers work to do inside every transaction that sets a password. */
  onPasswordSet(listener: PasswordSetListener): void {
    this.passwordSetListeners.push(listener);
  }

  async create(data: NewUser, manager?: EntityManager): Promise<User> {
    return this.insertHashed(data, await this.hasher.hash(data.password), manager);
  }

  /** POST /users: the account and its `user.created` audit event in one transaction. */
  async createByAdmin(data: NewUser): Promise<User> {
    const passwordHash = await this.hasher.hash(data.password);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.insertHashed(data, passwordHash, manager);
      await this.auditCreated(manager, user);
      return user;
    });
  }

  /** The `user.created` event of a new account (in its transaction). */
  auditCreated(manager: EntityManager, user: User, actorIsUser = false): Promise<void> {
    return this.audit.record(manager, {
      action: 'user.created',
      resourceId: user.id,
      changes: { email: user.email, role: user.role },
      ...(actorIsUser ? { actor: { id: user.id, role: user.role } } : {}),
    });
  }

  /**
   * The `user.created` events of the students a bulk import created, in one statement in the
   * import batch's transaction; `actor` is who started the import (a job has no request scope).
   */
  auditCreatedStudents(
    manager: EntityManager,
    students: Array<{ id: string; email: string }>,
    actor: { id: string; role: Role } | null,
  ): Promise<void> {
    return this.audit.recordMany(
      manager,
      students.map((student) => ({
        action: 'user.created' as const,
        resourceId: student.id,
        changes: { email: student.email, role: 'student' },
        actor,
      })),
    );
  }

  private insertHashed(data: NewUser, passwordHash: string, manager?: EntityManager) {
    return this.users.insert(
      {
        email: data.email.trim().toLowerCase(),
        fullName: data.fullName.trim(),
        role: data.role,
        passwordHash,
      },
      manager,
    );
  }

  /** For bulk imports: accounts by lower-case email (one statement, on the caller's connection). */
  findAccountsByEmails(emails: string[], manager: EntityManager) {
    return this.users.findAccountsByEmails(emails, manager);
  }

  /**
   * For bulk imports: creates the students that do not exist yet, in one statement. They get the
   * hash of a random secret nobody knows (one argon2 hash per call, not per user): they log in
   * after setting a password through the mailed link.
   */
  async createStudents(
    rows: Array<{ email: string; fullName: string }>,
    manager: EntityManager,
  ): Promise<Array<{ id: string; email: string }>> {
    if (rows.length === 0) return [];
    const unusable = await this.hasher.hash(randomBytes(32).toString('base64url'));
    return this.users.insertStudents(rows, unusable, manager);
  }

  async getById(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  async getWithSecrets(id: string): Promise<UserWithSecrets> {
    const user = await this.users.findByIdWithSecrets(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  findByEmailWithSecrets(email: string): Promise<UserWithSecrets | null> {
    return this.users.findByEmailWithSecrets(email.trim().toLowerCase());
  }

  /**
   * The account behind these credentials, or null. Unknown emails still cost one argon2
   * verification, so that timing does not reveal which accounts exist. The attempt is counted
   * before the check (423 once over the limit), for known and unknown emails alike.
   */
  async verifyCredentials(
    email: string,
    password: string,
    ip: string,
  ): Promise<UserWithSecrets | null> {
    const normalized = email.trim().toLowerCase();
    return this.limitedCheck(normalized, ip, async () => {
      const user = await this.findByEmailWithSecrets(normalized);
      const ok = await this.hasher.verify(user?.passwordHash, password);
      return ok ? user : null;
    });
  }

  /** Counts the attempt first, runs the check, and clears the count when it passed. */
  private async limitedCheck<T>(email: string, ip: string, check: () => Promise<T | null>) {
    const key = passwordAttemptsKey(email, ip);
    await this.attempts.reserve(key, this.passwordPolicy);
    const result = await check();
    if (result) await this.attempts.succeeded(key);
    return result;
  }

  async list(query: UserListQuery): Promise<Paginated<User>> {
    const [rows, total] = await this.users.findPage(
      { role: query.role, isActive: query.isActive, q: query.q },
      parseSort<UserSortField>(query.sort),
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows, total, query.page, query.pageSize);
  }

  async updateProfile(
    id: string,
    changes: { fullName?: string; metadata?: Record<string, unknown> },
  ): Promise<User> {
    await this.getById(id);
    await this.users.update(id, {
      ...(changes.fullName !== undefined ? { fullName: changes.fullName.trim() } : {}),
      // jsonb: stored as given (TypeORM's deep-partial type does not fit free-form objects).
      ...(changes.metadata !== undefined ? { metadata: changes.metadata as object } : {}),
    });
    if (changes.fullName !== undefined) await this.nameChanged(id);
    return this.getById(id);
  }

  /**
   * Modules that show user names in cached views (the course catalogue shows instructors') are
   * told when one changes: users cannot import them, they import users.
   */
  onNameChanged(listener: NameChangeListener): void {
    this.nameListeners.push(listener);
  }

  private async nameChanged(userId: string): Promise<void> {
    await Promise.all(this.nameListeners.map((listener) => listener(userId)));
  }

  /**
   * Name, role and status. The last active admin can be neither demoted nor deactivated (409
   * LAST_ACTIVE_ADMIN), decided under the same locks as erasure (see lockAmongAdmins).
   */
  async adminUpdate(actorId: string, id: string, changes: AdminUserChanges): Promise<User> {
    await this.getById(id);
    await this.dataSource.transaction(async (manager) => {
      // Locked, so that the recorded `from` values are the ones this change replaced.
      const locked = await this.lockAmongAdmins(manager, id, () =>
        this.users.findByIdForUpdate(manager, id),
      );
      if (!locked) throw new UserNotFoundError();
      const user = locked.row;
      const demotes = changes.role !== undefined && changes.role !== user.role;
      const deactivates = changes.isActive === false && user.isActive;
      if (actorId === id && (demotes || changes.isActive === false)) {
        throw new ForbiddenError('You cannot change your own role or deactivate yourself');
      }
      if (locked.lastActiveAdmin && (demotes || deactivates)) {
        throw new LastActiveAdminError('demoted or deactivated');
      }
      await this.users.update(
        id,
        {
          ...(changes.fullName !== undefined ? { fullName: changes.fullName.trim() } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.isActive !== undefined ? { isActive: changes.isActive } : {}),
          // A deactivated account's tokens must stay dead even if it is reactivated later.
          ...(deactivates ? { tokensValidAfter: nextTokenCutoff } : {}),
        },
        manager,
      );
      const audited = {
        ...(demotes ? { role: { from: user.role, to: changes.role } } : {}),
        ...(changes.isActive !== undefined && changes.isActive !== user.isActive
          ? { isActive: { from: user.isActive, to: changes.isActive } }
          : {}),
      };
      if (Object.keys(audited).length > 0) {
        await this.audit.record(manager, {
          action: 'user.updated',
          resourceId: id,
          changes: audited,
        });
      }
    });
    await this.stateCache.invalidate(id);
    if (changes.fullName !== undefined) await this.nameChanged(id);
    return this.getById(id);
  }

  /** The last active admin cannot be deleted (409 LAST_ACTIVE_ADMIN, see lockAmongAdmins). */
  async softDelete(actorId: string, id: string): Promise<void> {
    if (actorId === id) throw new ForbiddenError('You cannot delete your own account');
    await this.getById(id);
    await this.dataSource.transaction(async (manager) => {
      // Null: deleted meanwhile (a concurrent delete), nothing left to do.
      const locked = await this.lockAmongAdmins(manager, id, () =>
        this.users.findByIdForUpdate(manager, id),
      );
      if (!locked) return;
      if (locked.lastActiveAdmin) throw new LastActiveAdminError('deleted');
      if (!(await this.users.softDelete(manager, id))) return;
      await this.audit.record(manager, { action: 'user.deleted', resourceId: id });
    });
    await this.stateCache.invalidate(id);
  }

  async changePassword(
    id: string,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<void> {
    await this.verifyPassword(id, currentPassword, ip);
    await this.setPassword(id, newPassword);
  }

  /**
   * New password; every token issued before now stops working (all sessions end), and the
   * listeners (unused reset tokens are spent) run in the same transaction. Hashed before the
   * transaction, so no row stays locked through argon2.
   */
  async setPassword(id: string, newPassword: string, manager?: EntityManager): Promise<void> {
    const passwordHash = await this.hasher.hash(newPassword);
    const write = async (tx: EntityManager) => {
      await this.users.update(id, { passwordHash, tokensValidAfter: nextTokenCutoff }, tx);
      await this.audit.record(tx, { action: 'auth.password.changed', resourceId: id });
      for (const listener of this.passwordSetListeners) await listener(id, tx);
    };
    if (manager) await write(manager);
    else await this.dataSource.transaction(write);
    await this.stateCache.invalidate(id);
  }

  /** Ends every session of the user (tokens issued before now are refused). */
  async revokeAllTokens(id: string): Promise<void> {
    await this.users.update(id, { tokensValidAfter: nextTokenCutoff });
    await this.stateCache.invalidate(id);
  }

  /** The caller's own password, counted against the same limit as logins (423 over it). */
  async verifyPassword(id: string, password: string, ip: string): Promise<void> {
    const user = await this.getWithSecrets(id);
    const ok = await this.limitedCheck(user.email, ip, async () =>
      (await this.hasher.verify(user.passwordHash, password)) ? true : null,
    );
    if (!ok) throw new WrongPasswordError();
  }

  async recordLogin(id: string): Promise<void> {
    await this.users.update(id, { lastLoginAt: new Date() });
  }

  async setMfa(id: string, enabled: boolean, sealedSecret: string | null): Promise<User> {
    await this.users.update(id, { mfaEnabled: enabled, mfaSecret: sealedSecret });
    return this.getById(id);
  }

  /**
   * Turns MFA on or off, with its `auth.mfa.enabled`/`auth.mfa.disabled` audit event, when it is
   * not already in that state (the conditional update decides between concurrent requests).
   */
  async switchMfa(id: string, enabled: boolean, sealedSecret: string | null): Promise<User> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.users.switchMfa(manager, id, enabled, sealedSecret))) return;
      const action = enabled ? 'auth.mfa.enabled' : 'auth.mfa.disabled';
      await this.audit.record(manager, { action, resourceId: id });
    });
    return this.getById(id);
  }

  async markEmailVerified(id: string, manager?: EntityManager): Promise<void> {
    await this.users.update(id, { emailVerifiedAt: new Date() }, manager);
  }

  /** Drops the cached auth state (after a commit that changed it). */
  async forgetAuthState(id: string): Promise<void> {
    await this.stateCache.invalidate(id);
  }

  /** Role, activity and token cut-off, from the cache or the database; null for a deleted user. */
  async authState(id: string): Promise<UserAuthState | null> {
    const cached = await this.stateCache.get(id);
    if (cached) return cached;
    const user = await this.users.findById(id);
    if (!user) return null;
    const state: UserAuthState = {
      role: user.role,
      active: user.isActive,
      tokensValidAfter: validAfterSeconds(user.tokensValidAfter),
    };
    await this.stateCache.set(id, state);
    return state;
  }

  /** `{id, fullName}` by id, in one query for a whole page of results. */
  async summaries(ids: string[]): Promise<Map<string, { id: string; fullName: string }>> {
    const rows = await this.users.findSummaries([...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, { id: row.id, fullName: row.fullName }]));
  }

  /**
   * `{id, fullName, email}` by id, in one query (course rosters); on `manager` when the caller
   * holds locks in a transaction and must not wait for a second pooled connection.
   */
  async contacts(
    ids: string[],
    manager?: EntityManager,
  ): Promise<Map<string, { id: string; fullName: string; email: string }>> {
    const rows = await this.users.findContacts([...new Set(ids)], manager);
    return new Map(
      rows.map((row) => [row.id, { id: row.id, fullName: row.fullName, email: row.email }]),
    );
  }

  /**
   * For the erasure of an account, in its transaction: locks the row (soft-deleted ones too) the
   * way lockAmongAdmins does. Null for an unknown id.
   */
  async lockForErasure(
    manager: EntityManager,
    id: string,
  ): Promise<{ erased: boolean; lastActiveAdmin: boolean } | null> {
    const locked = await this.lockAmongAdmins(manager, id, () =>
      this.users.adminState(manager, id, true),
    );
    if (!locked) return null;
    return { erased: locked.row.erasedAt !== null, lastActiveAdmin: locked.lastActiveAdmin };
  }

  /**
   * The one way to lock an account that a change may remove from the active admins (erasure,
   * demotion, deactivation, deletion), in `manager`'s transaction: when the account is an active
   * admin, the rows of every active admin are locked first (in id order), then its own row, by
   * `lockRow`. Concurrent removals of the last admins thus queue instead of deadlocking (the
   * target's own lock would otherwise come first and let two removals of two admins wait for each
   * other), and each sees the others' outcome. `lastActiveAdmin`: the account is the only active
   * admin left. Every statement runs on `manager`: no second pooled connection while rows are
   * locked. Null for an unknown id (or when `lockRow` finds no row).
   */
  private async lockAmongAdmins<T>(
    manager: EntityManager,
    id: string,
    lockRow: () => Promise<T | null>,
  ): Promise<{ row: T; lastActiveAdmin: boolean } | null> {
    const peek = await this.users.adminState(manager, id, false);
    if (!peek) return null;
    const admins = peek.activeAdmin ? await this.users.lockActiveAdmins(manager) : [];
    const row = await lockRow();
    if (!row) return null;
    // Listed among the locked active admins: it still is one (its row has been locked since).
    return { row, lastActiveAdmin: admins.length === 1 && admins[0] === id };
  }

  /** Anonymises the account (see UsersRepository.anonymise); returns the after-commit work. */
  async anonymise(manager: EntityManager, id: string): Promise<() => Promise<void>> {
    await this.users.anonymise(manager, id);
    return async () => {
      await this.stateCache.invalidate(id);
      await this.nameChanged(id);
    };
  }

  async adminExists(): Promise<boolean> {
    return this.users.adminExists();
  }
}
