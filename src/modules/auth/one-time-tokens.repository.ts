import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { OneTimeToken, OneTimeTokenPurpose } from './entities/one-time-token.entity';

@Injectable()
export class OneTimeTokensRepository {
  constructor(@InjectRepository(OneTimeToken) private readonly tokens: Repository<OneTimeToken>) {}

  async insert(data: Partial<OneTimeToken>, manager: EntityManager): Promise<void> {
    await manager.getRepository(OneTimeToken).insert(data);
  }

  /**
   * Spends a live token in one statement (so it can be used once even under concurrent requests)
   * and returns its user, or null when it is unknown, expired, spent or for another purpose.
   */
  async consume(
    manager: EntityManager,
    tokenHash: string,
    purpose: OneTimeTokenPurpose,
  ): Promise<string | null> {
    const rows = await manager.query<[Array<{ user_id: string }>, number]>(
      `UPDATE one_time_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [tokenHash, purpose],
    );
    return rows[0][0]?.user_id ?? null;
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await this.tokens.delete({ expiresAt: LessThan(cutoff) })).affected ?? 0;
  }
}
