import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig, databaseConfig } from '../config/configuration';
import { EmbeddedDatabase } from './embedded-database';

/** Resolves the connection URL: DATABASE_URL, or an embedded PostgreSQL it starts and stops. */
@Injectable()
export class DatabaseUrlProvider implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded?: EmbeddedDatabase;

  constructor(
    @Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  async resolve(): Promise<string> {
    if (this.db.url) return this.db.url;
    this.embedded = new EmbeddedDatabase({
      dataDir: this.app.dataDir,
      port: this.db.embeddedPort,
      log: (message) => this.logger.log(message),
    });
    const url = await this.embedded.start();
    this.logger.log(`embedded PostgreSQL on 127.0.0.1:${new URL(url).port} (${this.app.dataDir})`);
    return url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}
