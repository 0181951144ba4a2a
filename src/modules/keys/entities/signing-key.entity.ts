import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a key signs: credentials (Open Badges, EdDSA); `lti` the LTI platform's id_tokens (RS256). */
export const KEY_PURPOSES = ['credentials', 'lti'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
export const KEY_ALGORITHMS = ['EdDSA', 'RS256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
/** The public members of a JWK (kty, crv and x; or kty, n and e). */
export type PublicJwk = { kty: string } & Record<string, string>;

/**
 * One key pair of the issuer. The public half is listed in `/.well-known/jwks.json` for as long as
 * the row exists (retired keys too, so what they signed stays verifiable).
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The RFC 7638 thumbprint of the public JWK: stable, and the same in every process. */
  @Column({ type: 'varchar', length: 100 })
  kid: string;

  @Column({ type: 'varchar', length: 40 })
  purpose: KeyPurpose;

  @Column({ type: 'varchar', length: 20 })
  algorithm: KeyAlgorithm;

  @Column({ type: 'jsonb' })
  publicJwk: PublicJwk;

  /** PKCS#8 PEM sealed with the secret box; null for a key given by the environment. */
  @Column({ type: 'text', nullable: true, select: false })
  privateKey: string | null;

  @Column({ type: 'boolean', default: false })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
