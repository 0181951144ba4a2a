import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, LessThan, Repository } from 'typeorm';
import { RefreshToken } from './entities/refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>) {}

  /**
   * `created_at` is database time, but never before the user's token cut-off: a cut-off may lie a
   * little ahead of the clock (see users/token-validity), and a session started after it must not
   * be refused as older than it.
   */
  async insert(data: Partial<RefreshToken>, manager?: EntityManager): Promise<RefreshToken> {
    const repo = manager ? manager.getRepository(RefreshToken) : this.tokens;
    const result = await repo
      .createQueryBuilder()
      .insert()
      .values({
        ...data,
        createdAt: () =>
          'GREATEST(now(), (SELECT u.tokens_valid_after FROM users u WHERE u.id = :cutoffUserId))',
      })
      .setParameter('cutoffUserId', data.userId)
      .execute();
    const id = (result.identifiers[0] as { id: string }).id;
    return repo.findOneByOrFail({ id });
  }

  /** Locks the row so that two refreshes with the same token are handled one after the other. */
  findByHashForUpdate(manager: EntityManager, tokenHash: string): Promise<RefreshToken | null> {
    return manager
      .getRepository(RefreshToken)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.token_hash = :tokenHash', { tokenHash })
      .getOne();
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.tokens.findOne({ where: { tokenHash } });
  }

  async markReplaced(manager: EntityManager, id: string, replacedById: string): Promise<void> {
    await manager
      .getRepository(RefreshToken)
      .update({ id }, { revokedAt: new Date(), replacedById });
  }

  async revokeFamily(familyId: string, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(RefreshToken) : this.tokens;
    await repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** The user's sessions, oldest first, without their hashes. */
  findSessionsOf(userId: string): Promise<RefreshToken[]> {
    return this.tokens.find({
      select: {
        id: true,
        familyId: true,
        createdAt: true,
        expiresAt: true,
        revokedAt: true,
        ip: true,
        userAgent: true,
      },
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Erasure: the user's sessions are gone (with the IPs and user agents they recorded). */
  async deleteAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(RefreshToken).delete({ userId });
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await this.tokens.delete({ expiresAt: LessThan(cutoff) })).affected ?? 0;
  }
}
