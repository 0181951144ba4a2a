import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as argon2 from 'argon2';
import { authConfig } from '../../config/configuration';

/** argon2id with costs from configuration. */
@Injectable()
export class PasswordHasher {
  /** Verified when the email is unknown, so that both answers take about the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(@Inject(authConfig.KEY) private readonly cfg: ConfigType<typeof authConfig>) {
    this.dummyHash = this.hash('not-a-real-password-0');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.cfg.argon2MemoryCost,
      timeCost: this.cfg.argon2TimeCost,
    });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? (await this.dummyHash), password);
      return ok && hash !== undefined;
    } catch {
      return false;
    }
  }
}
