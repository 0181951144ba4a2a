import { parseArgs } from 'node:util';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { coreImports } from './app.module';
import { prepareEnvironment } from './config/prepare-environment';
import { UsersService } from './modules/users/users.service';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  create-admin --email <email> --password <password> [--name <full name>]
  migration:run       apply pending migrations
  migration:revert    undo the last migration
  migration:show      list migrations and whether they ran

Works against DATABASE_URL, or the embedded database under DATA_DIR when it is unset
(stop the API first: the embedded database serves one process at a time).`;

@Module({})
class CliModule {
  static forRoot(): DynamicModule {
    return { module: CliModule, imports: coreImports() };
  }
}

type Command = (
  app: INestApplicationContext,
  args: Record<string, string | undefined>,
) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  'create-admin': async (app, args) => {
    if (!args.email || !args.password) throw new Error('--email and --password are required');
    const user = await app.get(UsersService).create({
      email: args.email,
      password: args.password,
      fullName: args.name ?? 'Administrator',
      role: 'admin',
    });
    console.log(`admin ${user.email} created (id ${user.id})`);
  },
  'migration:run': async (app) => {
    const ran = await app.get(DataSource).runMigrations({ transaction: 'each' });
    console.log(
      ran.length ? ran.map((m) => `applied ${m.name}`).join('\n') : 'no pending migrations',
    );
  },
  'migration:revert': async (app) => {
    await app.get(DataSource).undoLastMigration({ transaction: 'each' });
    console.log('reverted the last migration');
  },
  'migration:show': async (app) => {
    const pending = await app.get(DataSource).showMigrations();
    console.log(pending ? 'there are pending migrations' : 'the schema is up to date');
  },
};

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
  });
  const command = COMMANDS[positionals[0] ?? ''];
  if (!command) {
    console.log(USAGE);
    process.exitCode = positionals[0] ? 1 : 0;
    return;
  }
  await prepareEnvironment();
  // Migration commands decide themselves what to run; never migrate implicitly here.
  if (positionals[0]?.startsWith('migration:')) process.env.DB_MIGRATE_ON_START = 'false';
  process.env.LOG_LEVEL ??= 'warn';
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    await command(app, values);
  } finally {
    await app.close();
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
});
