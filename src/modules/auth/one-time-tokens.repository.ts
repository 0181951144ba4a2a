import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { OneTimeToken, OneTimeTokenPurpose } from './entities/one-time-token.entity';

@Injectable()
export class OneTimeTokensRepository {
  constructor(@InjectRepository(OneTimeToken) private readonly tokens: Repository<OneTimeToken>) {}

  /** A token row without a token yet (minted when its mail is sent); returns its id. */
  /** Unminted tokens for several users at once; returns their ids. */
  async insertUnmintedMany(
    userIds: string[],
    purpose: OneTimeTokenPurpose,
    expiresAt: Date,
    manager: EntityManager,
  ): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO one_time_tokens (user_id, purpose, expires_at, token_hash)
       SELECT u, $2, $3, NULL FROM unnest($1::uuid[]) AS u RETURNING id`,
      [userIds, purpose, expiresAt],
    );
    return rows.map((row) => row.id);
  }

  async insertUnminted(
    data: { userId: string; purpose: OneTimeTokenPurpose; expiresAt: Date },
    manager: EntityManager,
  ): Promise<string> {
    const result = await manager
      .getRepository(OneTimeToken)
      .insert({ ...data, tokenHash: null, usedAt: null });
    return (result.identifiers[0] as { id: string }).id;
  }

  /**
   * Gives a live token row a new hash (its mail is being sent, again on a retry: only the latest
   * mailed link works) and returns its user and purpose, or null when it is spent or expired.
   */
  async mint(
    id: string,
    tokenHash: string,
  ): Promise<{ userId: string; purpose: OneTimeTokenPurpose } | null> {
    const rows = await this.tokens.query<[Array<{ user_id: string; purpose: string }>, number]>(
      `UPDATE one_time_tokens SET token_hash = $2
        WHERE id = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, purpose`,
      [id, tokenHash],
    );
    const row = rows[0][0];
    return row ? { userId: row.user_id, purpose: row.purpose as OneTimeTokenPurpose } : null;
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

  /** Spends every unused token of this purpose of the user (minted or still queued). */
  async spendAll(
    manager: EntityManager,
    userId: string,
    purpose: OneTimeTokenPurpose,
  ): Promise<void> {
    await manager.query(
      `UPDATE one_time_tokens SET used_at = now()
        WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [userId, purpose],
    );
  }

  /** Erasure: the user's reset and verification tokens, used or not. */
  async deleteAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.query('DELETE FROM one_time_tokens WHERE user_id = $1', [userId]);
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await this.tokens.delete({ expiresAt: LessThan(cutoff) })).affected ?? 0;
  }
}
