import './node-version';
import { parseArgs } from 'node:util';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { coreImports } from './app.module';
import { prepareEnvironment } from './config/prepare-environment';
import { openStandaloneDatabase, StandaloneDatabase } from './database/standalone-database';
import { CreateUserDto } from './modules/users/dto/create-user.dto';
import { KeyFromEnvironmentError, SigningKeysService } from './modules/keys/signing-keys.service';
import { UsersService } from './modules/users/users.service';

const USAGE = `Usage: npm run cli -- <command> [options]     (production: node dist/cli <command>)

Commands:
  create-admin --email <email> --password <password> [--name <full name>]
                      create an admin account (the API's rules: a valid email, 8-128
                      characters with a letter and a digit)
  credentials:rotate-key
                      a new Ed25519 key signs credentials from now on; the old public keys
                      stay in /.well-known/jwks.json (refused when CREDENTIAL_SIGNING_KEY is set)
  migration:run       apply pending migrations
  migration:revert    undo the last migration
  migration:show      list the migrations, applied [X] or pending [ ]

Works against DATABASE_URL, or else the embedded database under DATA_DIR (the running one when
the API is up, with the same DATA_DIR). Exit code 0 on success, 1 on any failure.`;

/** A refused command: its message says why (printed as `error: ...`, exit code 1). */
class CommandError extends Error {}

type Args = Record<string, string | undefined>;

@Module({})
class CliModule {
  static forRoot(): DynamicModule {
    return { module: CliModule, imports: coreImports() };
  }
}

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Migration commands get a bare connection: no module graph, no Redis, no bootstrap hooks. */
async function withDatabase(run: (db: StandaloneDatabase) => Promise<void>): Promise<void> {
  const db = await openStandaloneDatabase(log);
  try {
    await run(db);
  } finally {
    await db.close();
  }
}

async function migrationRun(): Promise<void> {
  await withDatabase(async ({ dataSource }) => {
    const started = Date.now();
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of ran) console.log(`applied ${migration.name}`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      ran.length ? `applied ${ran.length} migrations in ${seconds} s` : 'no pending migrations',
    );
  });
}

async function migrationRevert(): Promise<void> {
  await withDatabase(async ({ dataSource }) => {
    const before = await appliedMigrations(dataSource);
    if (before.length === 0)
      throw new CommandError('no migration has been applied: nothing to revert');
    await dataSource.undoLastMigration({ transaction: 'each' });
    console.log(`reverted ${before[before.length - 1]}`);
  });
}

async function migrationShow(): Promise<void> {
  await withDatabase(async ({ dataSource, description }) => {
    const applied = new Set(await appliedMigrations(dataSource));
    const known = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
    for (const name of known) console.log(`${applied.has(name) ? '[X]' : '[ ]'} ${name}`);
    const pending = known.filter((name) => !applied.has(name)).length;
    console.log(`${known.length - pending} applied, ${pending} pending (${description})`);
  });
}

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const [{ present }] = await dataSource.query<Array<{ present: boolean }>>(
    `SELECT to_regclass('migrations') IS NOT NULL AS present`,
  );
  if (!present) return [];
  const rows = await dataSource.query<Array<{ name: string }>>(
    'SELECT name FROM migrations ORDER BY timestamp, id',
  );
  return rows.map((row) => row.name);
}

async function createAdmin(args: Args): Promise<void> {
  if (!args.email || !args.password) {
    throw new CommandError('create-admin needs --email and --password (see --help)');
  }
  const input = plainToInstance(CreateUserDto, {
    email: args.email,
    password: args.password,
    fullName: args.name ?? 'Administrator',
    role: 'admin',
  });
  const problems = (await validate(input)).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => `--${optionOf(error.property)}: ${text}`),
  );
  if (problems.length) throw new CommandError(`invalid admin account:\n  ${problems.join('\n  ')}`);

  const schema = await withDatabaseUpToDate();
  if (schema) throw new CommandError(schema);

  // This command decides who is created: the bootstrap admin of the environment is not its job.
  delete process.env.BOOTSTRAP_ADMIN_EMAIL;
  delete process.env.BOOTSTRAP_ADMIN_PASSWORD;
  process.env.DB_MIGRATE_ON_START = 'false';
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const user = await app.get(UsersService).create(input);
    console.log(`admin ${user.email} created (id ${user.id})`);
  } finally {
    await app.close();
  }
}

/** create-admin on a database without the schema would fail with `relation "users" ...`. */
async function withDatabaseUpToDate(): Promise<string | undefined> {
  let problem: string | undefined;
  await withDatabase(async ({ dataSource, description }) => {
    if (await dataSource.showMigrations()) {
      problem = `${description} has pending migrations: run \`migration:run\` first`;
    }
  });
  return problem;
}

async function rotateCredentialsKey(): Promise<void> {
  const schema = await withDatabaseUpToDate();
  if (schema) throw new CommandError(schema);
  process.env.DB_MIGRATE_ON_START = 'false';
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const { kid, retired } = await app
      .get(SigningKeysService)
      .rotate('credentials', 'EdDSA')
      .catch((error: Error) => {
        throw error instanceof KeyFromEnvironmentError ? new CommandError(error.message) : error;
      });
    console.log(`credentials key ${kid} is active`);
    for (const old of retired) console.log(`retired ${old} (still listed in the JWKS)`);
  } finally {
    await app.close();
  }
}

const optionOf = (property: string) => (property === 'fullName' ? 'name' : property);

const COMMANDS: Record<string, (args: Args) => Promise<void>> = {
  'create-admin': createAdmin,
  'credentials:rotate-key': rotateCredentialsKey,
  'migration:run': migrationRun,
  'migration:revert': migrationRevert,
  'migration:show': migrationShow,
};

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0];
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    if (name) console.error(`unknown command "${name}"\n`);
    (name ? console.error : console.log)(USAGE);
    return name ? 1 : 0;
  }
  await prepareEnvironment();
  process.env.LOG_LEVEL ??= 'warn';
  await command(values as Args);
  return 0;
}

// Explicit exits: an open handle (a pool, a timer) must never keep a one-shot command running,
// and nothing else may decide the exit code.
main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
