import { Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { databaseConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source.options';
import { DatabaseUrlModule } from './database-url.module';
import { DatabaseUrlProvider } from './database-url.provider';

const logger = new Logger('Database');

/**
 * Connects, then applies pending migrations when DB_MIGRATE_ON_START (instead of TypeORM's silent
 * `migrationsRun`), so that the start-up log says what changed.
 */
async function connectAndMigrate(options: DataSourceOptions, migrate: boolean) {
  const dataSource = await new DataSource(options).initialize();
  if (!migrate) return dataSource;
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  const total = dataSource.migrations.length;
  logger.log(
    `applied ${ran.length} migrations` +
      (ran.length ? `: ${ran.map((m) => m.name).join(', ')}` : ` (all ${total} already applied)`),
  );
  return dataSource;
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [DatabaseUrlModule],
      inject: [databaseConfig.KEY, DatabaseUrlProvider],
      useFactory: async (db: ConfigType<typeof databaseConfig>, urls: DatabaseUrlProvider) => ({
        ...buildDataSourceOptions({ ...db, url: await urls.resolve() }),
        migrate: db.migrateOnStart,
        autoLoadEntities: true,
        entities: [],
      }),
      dataSourceFactory: async (options) => {
        const { migrate, ...rest } = options as DataSourceOptions & { migrate: boolean };
        return connectAndMigrate(rest, migrate);
      },
    }),
  ],
})
export class DatabaseModule {}
