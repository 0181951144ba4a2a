import { Injectable } from '@nestjs/common';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { CredentialsRepository } from './credentials.repository';

/**
 * The Open Badges credentials issued for the student's certificates. Erasure keeps them: a
 * credential names no one (its subject is a salted hash of the email, which only the holder can
 * match), stays verifiable like the certificate number, and the holder's copy is already signed.
 */
@Injectable()
@PersonalDataSectionProvider()
export class CredentialsPersonalData implements PersonalDataSection {
  readonly key = 'credentials';
  readonly kind = 'list';

  constructor(private readonly credentials: CredentialsRepository) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const row of await this.credentials.findByStudent(userId)) {
      yield { certificateId: row.certificateId, jwt: row.jwt, issuedAt: row.createdAt };
    }
  }

  async erase(): Promise<void> {
    // Nothing to remove: see above.
  }
}
