import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { decodeJwt } from 'jose';
import { EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors/app-error';
import { appConfig, credentialsConfig } from '../../config/configuration';
import { ActiveKey, SigningKeysService } from '../keys/signing-keys.service';
import { CredentialsRepository } from './credentials.repository';
import {
  IssuerProfile,
  OpenBadgeCredential,
  openBadgeCredential,
  statusListCredential,
} from './open-badge';

export const VC_JWT_TYPE = 'vc+jwt';

/** What the certificates module knows about a certificate, read under the credential lock. */
export interface CertificateFacts {
  id: string;
  certificateNumber: string;
  issuedAt: Date;
  revoked: boolean;
  email: string;
  course: { id: string | null; title: string; description: string | null };
}

export interface IssuedCredential {
  credential: OpenBadgeCredential;
  jwt: string;
}

/**
 * Open Badges 3.0 credentials of certificates and the revocation status lists. Issued once per
 * certificate (salt, status entry and the signed JWT are stored), so every call returns the same
 * credential, and it stays verifiable with the key that signed it after a rotation.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly keys: SigningKeysService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    @Inject(credentialsConfig.KEY) private readonly cfg: ConfigType<typeof credentialsConfig>,
  ) {}

  issuer(): IssuerProfile {
    return {
      id: `${this.app.publicUrl}/api/v1/issuer`,
      type: ['Profile'],
      name: this.cfg.issuerName,
      url: this.app.publicUrl,
    };
  }

  /** Read before a transaction that signs: creating the first key needs a connection of its own. */
  signingKey(): Promise<ActiveKey> {
    return this.keys.active('credentials', 'EdDSA');
  }

  async find(certificateId: string, manager?: EntityManager): Promise<IssuedCredential | null> {
    const row = await this.credentials.findByCertificate(certificateId, manager);
    return row ? { credential: payloadOf(row.jwt), jwt: row.jwt } : null;
  }

  /** Taken first by every transaction that issues or revokes the certificate's credential. */
  lock(manager: EntityManager, certificateId: string): Promise<void> {
    return this.credentials.lockCertificate(manager, certificateId);
  }

  /**
   * Issues the credential unless it exists; call under `lock`. A certificate already revoked gets
   * its bit set at once.
   */
  async issue(
    manager: EntityManager,
    key: ActiveKey,
    certificate: CertificateFacts,
  ): Promise<IssuedCredential> {
    const existing = await this.find(certificate.id, manager);
    if (existing) return existing;
    const salt = randomBytes(16).toString('hex');
    const { listId, index } = await this.credentials.allocateIndex(manager);
    const credential = openBadgeCredential({
      issuer: this.issuer(),
      credentialId: `${this.app.publicUrl}/api/v1/certificates/verify/${certificate.certificateNumber}`,
      issuedAt: certificate.issuedAt,
      email: certificate.email,
      salt,
      achievement: this.achievement(certificate),
      status: { listUrl: this.statusListUrl(listId), index },
    });
    const jwt = await this.keys.sign(key, credential, VC_JWT_TYPE);
    await this.credentials.insert(manager, {
      certificateId: certificate.id,
      salt,
      statusListId: listId,
      statusIndex: index,
      kid: key.kid,
      jwt,
    });
    if (certificate.revoked) await this.credentials.setBit(manager, listId, index);
    return { credential, jwt };
  }

  /** Sets the revocation bit of the certificate's credential, if it has one; call under `lock`. */
  async markRevoked(manager: EntityManager, certificateId: string): Promise<void> {
    const row = await this.credentials.findByCertificate(certificateId, manager);
    if (row) await this.credentials.setBit(manager, row.statusListId, row.statusIndex);
  }

  /** The list as a signed `BitstringStatusListCredential` (VC-JWT). */
  async statusList(listId: string): Promise<string> {
    const list = await this.credentials.findList(listId);
    if (!list) throw new NotFoundError('Status list');
    const credential = statusListCredential({
      listUrl: this.statusListUrl(list.id),
      issuerId: this.issuer().id,
      validFrom: list.updatedAt,
      bits: list.bits,
    });
    return this.keys.sign(await this.signingKey(), credential, VC_JWT_TYPE);
  }

  private achievement(certificate: CertificateFacts) {
    const { course } = certificate;
    return {
      id: course.id
        ? `${this.app.publicUrl}/api/v1/courses/${course.id}`
        : `${this.app.publicUrl}/api/v1/certificates/verify/${certificate.certificateNumber}#achievement`,
      name: course.title,
      description: course.description?.trim() || `Completion of the course "${course.title}".`,
      narrative: `Completed every lesson of the course "${course.title}".`,
    };
  }

  private statusListUrl(listId: string): string {
    return `${this.app.publicUrl}/api/v1/credentials/status/${listId}`;
  }
}

function payloadOf(jwt: string): OpenBadgeCredential {
  return decodeJwt(jwt) as unknown as OpenBadgeCredential;
}
