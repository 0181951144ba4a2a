import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** `revoked_tokens`: the durable record of revoked token ids, kept until the token expires. */
@Injectable()
export class RevokedTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(jti: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING`,
      [jti, expiresAt],
    );
  }

  async exists(jti: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM revoked_tokens WHERE jti = $1`,
      [jti],
    );
    return rows.length > 0;
  }

  /** Every revocation still in force, with its remaining lifetime in seconds. */
  findLive(): Promise<Array<{ jti: string; ttl: number }>> {
    return this.dataSource.query(
      `SELECT jti, ceil(extract(epoch FROM expires_at - now()))::int AS ttl
         FROM revoked_tokens WHERE expires_at > now()`,
    );
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM revoked_tokens WHERE expires_at < $1`,
      [cutoff],
    );
    return count;
  }
}
