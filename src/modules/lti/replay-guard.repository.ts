import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type ReplayKind = 'hint' | 'nonce' | 'jti';

/**
 * Single-use values (message hints, nonces, client assertion `jti`s), kept until they expire:
 * the first use inserts the row, and the primary key refuses every later or concurrent one.
 */
@Injectable()
export class ReplayGuardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True when this is the value's first use (inside `manager`'s transaction when given). */
  async firstUse(
    kind: ReplayKind,
    value: string,
    expiresAt: Date,
    manager?: EntityManager,
  ): Promise<boolean> {
    const rows = await (manager ?? this.dataSource.manager).query<unknown[]>(
      `INSERT INTO lti_replay_guard (kind, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (kind, value) DO NOTHING RETURNING 1`,
      [kind, value, expiresAt],
    );
    return rows.length === 1;
  }

  /** Drops expired values (they are refused by their own expiry by then). */
  async purgeExpired(now: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM lti_replay_guard WHERE expires_at < $1`, [now]);
  }
}
