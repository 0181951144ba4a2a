import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseConnectionSettings {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  logging: boolean;
  applicationName?: string;
}

/**
 * Compiled code (dist/) loads compiled migrations; ts-node and jest load the TypeScript sources.
 * Migrations live at the top level of the repository, beside src/.
 */
const MIGRATIONS_GLOB = __filename.endsWith('.js')
  ? join(__dirname, '..', 'migrations', '*.js')
  : join(__dirname, '..', '..', 'migrations', '*.ts');

/** One definition of the connection, shared by the app, the CLI, the TypeORM CLI and the tests. */
export function buildDataSourceOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: [MIGRATIONS_GLOB],
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    namingStrategy: new SnakeNamingStrategy(),
    // Off unless asked for: TypeORM's error log prints the SQL and its parameters (hashes, tokens).
    logging: settings.logging ? ['query', 'error'] : false,
    applicationName: settings.applicationName ?? 'lms-api',
    extra: {
      max: settings.poolMax,
      statement_timeout: settings.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    },
  };
}
