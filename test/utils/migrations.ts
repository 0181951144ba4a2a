import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** How many migrations the repository holds: what `migration:run` applies to an empty database. */
export const MIGRATION_COUNT = readdirSync(join(__dirname, '..', '..', 'migrations')).filter(
  (name) => name.endsWith('.ts'),
).length;
