import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { KeyPurpose, SigningKey } from './entities/signing-key.entity';

export type NewSigningKey = Pick<
  SigningKey,
  'kid' | 'purpose' | 'algorithm' | 'publicJwk' | 'privateKey'
>;

@Injectable()
export class SigningKeysRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>,
  ) {}

  /** The active key of a purpose, with its sealed private half. */
  findActive(purpose: KeyPurpose): Promise<SigningKey | null> {
    return this.keys
      .createQueryBuilder('k')
      .addSelect('k.privateKey')
      .where('k.purpose = :purpose AND k.active', { purpose })
      .getOne();
  }

  findByKid(kid: string): Promise<SigningKey | null> {
    return this.keys.createQueryBuilder('k').addSelect('k.privateKey').where({ kid }).getOne();
  }

  /**
   * Inserts the first active key of a purpose unless one exists: the partial unique index on
   * active keys decides between processes creating one at the same time.
   */
  async insertActiveIfNone(key: NewSigningKey): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO signing_keys (kid, purpose, algorithm, public_jwk, private_key, active)
       VALUES ($1, $2, $3, $4::jsonb, $5, true)
       ON CONFLICT (purpose) WHERE active DO NOTHING`,
      [key.kid, key.purpose, key.algorithm, JSON.stringify(key.publicJwk), key.privateKey],
    );
  }

  /** Lists a public key (e.g. one given by the environment) without making it active. */
  async insertListedIfAbsent(key: NewSigningKey): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO signing_keys (kid, purpose, algorithm, public_jwk, private_key, active)
       VALUES ($1, $2, $3, $4::jsonb, $5, false)
       ON CONFLICT (kid) DO NOTHING`,
      [key.kid, key.purpose, key.algorithm, JSON.stringify(key.publicJwk), key.privateKey],
    );
  }

  /**
   * Retires the active key of the purpose and makes `key` the active one, in one transaction;
   * rotations of one purpose queue behind a transaction-scoped advisory lock. Returns the kids
   * retired.
   */
  rotate(key: NewSigningKey): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `signing-keys:${key.purpose}`,
      ]);
      const retired = await manager.query<[Array<{ kid: string }>, number]>(
        `UPDATE signing_keys SET active = false, retired_at = now()
         WHERE purpose = $1 AND active RETURNING kid`,
        [key.purpose],
      );
      await manager.query(
        `INSERT INTO signing_keys (kid, purpose, algorithm, public_jwk, private_key, active)
         VALUES ($1, $2, $3, $4::jsonb, $5, true)`,
        [key.kid, key.purpose, key.algorithm, JSON.stringify(key.publicJwk), key.privateKey],
      );
      return retired[0].map((row) => row.kid);
    });
  }

  /** Every listed public key, the active ones first, then the newest. */
  listPublic(): Promise<SigningKey[]> {
    return this.keys.find({ order: { active: 'DESC', createdAt: 'DESC', id: 'ASC' } });
  }
}
