import { DataSource } from 'typeorm';
import { appConfig, databaseConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source.options';
import { EmbeddedDatabase } from './embedded-database';

export interface StandaloneDatabase {
  dataSource: DataSource;
  /** Where it is, for messages: `DATABASE_URL` or the embedded server's DATA_DIR. */
  description: string;
  close(): Promise<void>;
}

/**
 * A bare DataSource for one-shot commands (migrations): DATABASE_URL, or the embedded PostgreSQL of
 * DATA_DIR (the running one when the API has it, else started here and stopped by close()).
 * No Nest module graph: nothing else (Redis, queues, bootstrap hooks) is started.
 */
export async function openStandaloneDatabase(
  log: (message: string) => void = () => undefined,
): Promise<StandaloneDatabase> {
  const db = databaseConfig();
  const app = appConfig();
  const embedded = db.url
    ? undefined
    : new EmbeddedDatabase({ dataDir: app.dataDir, port: db.embeddedPort, log });
  const url = db.url ?? (await embedded!.start());
  const dataSource = new DataSource({
    ...buildDataSourceOptions({ ...db, url, poolMax: 2, applicationName: 'lms-cli' }),
    entities: [],
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    description: db.url ? 'DATABASE_URL' : `the embedded database in ${app.dataDir}`,
    close: async () => {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
