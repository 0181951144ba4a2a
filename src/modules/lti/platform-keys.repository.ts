import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PlatformKeyRow {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateKey: string;
}

@Injectable()
export class PlatformKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findActive(): Promise<PlatformKeyRow | null> {
    const [row] = await this.dataSource.query<PlatformKeyRow[]>(
      `SELECT kid, public_jwk AS "publicJwk", private_key AS "privateKey"
         FROM lti_platform_keys WHERE active`,
    );
    return row ?? null;
  }

  /** Inserts the active key unless one exists (the partial unique index decides races). */
  async insertActiveIfAbsent(row: PlatformKeyRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO lti_platform_keys (kid, public_jwk, private_key, active)
       VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING`,
      [row.kid, JSON.stringify(row.publicJwk), row.privateKey],
    );
  }
}
