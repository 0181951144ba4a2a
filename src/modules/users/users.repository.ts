import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Role } from '../../common/auth/roles';
import { SortSpec } from '../../common/dto/sort';
import { User } from './entities/user.entity';
import { nextTokenCutoff } from './token-validity';
import { EmailTakenError } from './users.errors';

export interface UserFilter {
  role?: Role;
  isActive?: boolean;
  q?: string;
}

export type UserSortField = 'createdAt' | 'email' | 'fullName' | 'lastLoginAt';

const SORT_COLUMNS: Record<UserSortField, string> = {
  createdAt: 'u.created_at',
  email: 'u.email',
  fullName: 'u.full_name',
  lastLoginAt: 'u.last_login_at',
};

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505'
  );
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Accounts by (lower-case) email, in one statement: what a bulk import decides on. */
  findAccountsByEmails(
    emails: string[],
    manager: EntityManager,
  ): Promise<Array<{ id: string; email: string; fullName: string; role: Role; active: boolean }>> {
    return manager.query(
      `SELECT id, email, full_name AS "fullName", role, (is_active AND deleted_at IS NULL) AS active
         FROM users WHERE email = ANY($1::text[])`,
      [emails],
    );
  }

  /** Inserts students that do not exist yet (set-based); returns the ones it created. */
  insertStudents(
    rows: Array<{ email: string; fullName: string }>,
    passwordHash: string,
    manager: EntityManager,
  ): Promise<Array<{ id: string; email: string }>> {
    return manager.query(
      `INSERT INTO users (email, full_name, role, password_hash)
       SELECT e, n, 'student', $3 FROM unnest($1::text[], $2::text[]) AS v(e, n)
       ON CONFLICT (email) DO NOTHING RETURNING id, email`,
      [rows.map((r) => r.email), rows.map((r) => r.fullName), passwordHash],
    );
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  /** Includes soft-deleted rows: deleted accounts stay deactivated, not reusable. */
  findByEmailWithSecrets(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect(['u.passwordHash', 'u.mfaSecret'])
      .withDeleted()
      .where('u.email = :email', { email })
      .getOne();
  }

  findByIdWithSecrets(id: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect(['u.passwordHash', 'u.mfaSecret'])
      .where('u.id = :id', { id })
      .getOne();
  }

  async insert(data: Partial<User>, manager?: EntityManager): Promise<User> {
    const repo = manager ? manager.getRepository(User) : this.users;
    try {
      const saved = await repo.save(repo.create(data));
      return await repo.findOneOrFail({ where: { id: saved.id } });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  }

  async update(
    id: string,
    changes: QueryDeepPartialEntity<User>,
    manager?: EntityManager,
  ): Promise<void> {
    const repo = manager ? manager.getRepository(User) : this.users;
    await repo.update({ id }, changes);
  }

  /** True when this call deleted the account (a concurrent delete gives false). */
  async softDelete(manager: EntityManager, id: string): Promise<boolean> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE users SET is_active = false, tokens_valid_after = ${nextTokenCutoff()},
              deleted_at = now(), updated_at = now()
        WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  findByIdForUpdate(manager: EntityManager, id: string): Promise<User | null> {
    return manager
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('u.id = :id', { id })
      .getOne();
  }

  /**
   * Erasure: the account can no longer log in or be recognised (email `erased-<id>@invalid`,
   * name `Erased user`, no metadata, no MFA secret, an unusable password hash) and every token
   * issued so far is refused.
   */
  async anonymise(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE users SET email = 'erased-' || id || '@invalid', full_name = 'Erased user',
              metadata = '{}', is_active = false, mfa_enabled = false, mfa_secret = NULL,
              password_hash = '!erased', email_verified_at = NULL, last_login_at = NULL,
              tokens_valid_after = ${nextTokenCutoff()}, erased_at = now(), updated_at = now()
        WHERE id = $1`,
      [id],
    );
  }

  /**
   * Whether the row is an active admin, and when it was erased, soft-deleted or not; locked for
   * the rest of the transaction if `lock`.
   */
  async adminState(
    manager: EntityManager,
    id: string,
    lock: boolean,
  ): Promise<{ activeAdmin: boolean; erasedAt: Date | null } | null> {
    const [row] = await manager.query<Array<{ active_admin: boolean; erased_at: Date | null }>>(
      `SELECT (role = 'admin' AND is_active) AS active_admin, erased_at FROM users WHERE id = $1${
        lock ? ' FOR UPDATE' : ''
      }`,
      [id],
    );
    return row ? { activeAdmin: row.active_admin, erasedAt: row.erased_at } : null;
  }

  /**
   * Locks the rows of every active admin, in id order (so that concurrent callers queue instead
   * of deadlocking), and returns their ids.
   */
  async lockActiveAdmins(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM users WHERE role = 'admin' AND is_active AND deleted_at IS NULL
        ORDER BY id FOR UPDATE`,
    );
    return rows.map((row) => row.id);
  }

  /** Sets the MFA state unless it already is `enabled`; true when this call changed it. */
  async switchMfa(
    manager: EntityManager,
    id: string,
    enabled: boolean,
    sealedSecret: string | null,
  ): Promise<boolean> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE users SET mfa_enabled = $2, mfa_secret = $3, updated_at = now()
        WHERE id = $1 AND mfa_enabled <> $2 RETURNING id`,
      [id, enabled, sealedSecret],
    );
    return rows.length > 0;
  }

  async findPage(
    filter: UserFilter,
    sort: SortSpec<UserSortField>,
    offset: number,
    limit: number,
  ): Promise<[User[], number]> {
    const query = this.users.createQueryBuilder('u');
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (filter.isActive !== undefined) {
      query.andWhere('u.is_active = :active', { active: filter.isActive });
    }
    if (filter.q) {
      const like = `%${escapeLike(filter.q.toLowerCase())}%`;
      query.andWhere(
        new Brackets((where) =>
          where.where('u.email LIKE :like', { like }).orWhere('lower(u.full_name) LIKE :like'),
        ),
      );
    }
    return query
      .orderBy(SORT_COLUMNS[sort.field], sort.direction, 'NULLS LAST')
      .addOrderBy('u.id', 'ASC')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
  }

  /** id and name of each user (deleted ones included: their courses and certificates remain). */
  findSummaries(ids: string[]): Promise<Array<{ id: string; fullName: string }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users
      .createQueryBuilder('u')
      .withDeleted()
      .select(['u.id', 'u.fullName'])
      .where('u.id IN (:...ids)', { ids })
      .getMany();
  }

  /** id, name and email of each user (for rosters), in one query. */
  findContacts(
    ids: string[],
    manager?: EntityManager,
  ): Promise<Array<{ id: string; fullName: string; email: string }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return (manager ? manager.getRepository(User) : this.users)
      .createQueryBuilder('u')
      .withDeleted()
      .select(['u.id', 'u.fullName', 'u.email'])
      .where('u.id IN (:...ids)', { ids })
      .getMany();
  }

  async adminExists(): Promise<boolean> {
    return this.users.exists({ where: { role: 'admin' } });
  }
}
