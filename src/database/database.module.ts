import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source.options';
import { DatabaseUrlModule } from './database-url.module';
import { DatabaseUrlProvider } from './database-url.provider';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [DatabaseUrlModule],
      inject: [databaseConfig.KEY, DatabaseUrlProvider],
      useFactory: async (db: ConfigType<typeof databaseConfig>, urls: DatabaseUrlProvider) => ({
        ...buildDataSourceOptions({ ...db, url: await urls.resolve() }),
        migrationsRun: db.migrateOnStart,
        autoLoadEntities: true,
        entities: [],
      }),
    }),
  ],
})
export class DatabaseModule {}
