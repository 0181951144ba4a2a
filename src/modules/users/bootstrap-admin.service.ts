import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/configuration';
import { UsersService } from './users.service';
import { EmailTakenError } from './users.errors';

/** BOOTSTRAP_ADMIN_EMAIL + BOOTSTRAP_ADMIN_PASSWORD create the first admin when none exists. */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.app.bootstrapAdmin;
    if (!admin || (await this.users.adminExists())) return;
    try {
      await this.users.create({ ...admin, fullName: 'Administrator', role: 'admin' });
      this.logger.log(`created the first admin ${admin.email}`);
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      this.logger.warn(
        `BOOTSTRAP_ADMIN_EMAIL ${admin.email} belongs to an existing non-admin account`,
      );
    }
  }
}
