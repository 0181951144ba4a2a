import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source.options';

/**
 * Entry point for the TypeORM CLI (`npm run migration:generate`). It needs DATABASE_URL;
 * the embedded database is started by the app and by `npm run cli -- migration:run`.
 */
const settings = databaseConfig();
if (!settings.url) {
  throw new Error(
    'DATABASE_URL is required for the TypeORM CLI (the embedded database only runs inside the app)',
  );
}

export default new DataSource(buildDataSourceOptions({ ...settings, url: settings.url }));
