import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { OneTimeTokensRepository } from './one-time-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/**
 * Sessions (refresh tokens) with the IP and user agent they started from; never token hashes.
 * Erasure deletes them, and the reset and verification tokens: the account's access tokens are
 * refused from then on by its token cut-off (see the profile section).
 */
@Injectable()
@PersonalDataSectionProvider()
export class SessionsPersonalData implements PersonalDataSection {
  readonly key = 'sessions';
  readonly kind = 'list';

  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly oneTimeTokens: OneTimeTokensRepository,
  ) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const session of await this.refreshTokens.findSessionsOf(userId)) {
      yield {
        id: session.id,
        familyId: session.familyId,
        createdAt: session.createdAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        revokedAt: session.revokedAt?.toISOString() ?? null,
        ip: session.ip,
        userAgent: session.userAgent,
      };
    }
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.refreshTokens.deleteAllOf(manager, userId);
    await this.oneTimeTokens.deleteAllOf(manager, userId);
  }
}
