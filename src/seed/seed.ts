/**
 * Seeds an empty database: `npm run seed -- --profile demo` (a believable demo, made through the
 * application's services) or `npm run seed -- --profile scale --students N` (benchmark volumes,
 * generated in PostgreSQL). See USAGE in seed-options.ts. Progress goes to stderr, the summary
 * (logins, the big course id) to stdout; exit code 0 on success, 1 with a message otherwise.
 */
import '../node-version';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { coreImports } from '../app.module';
import { databaseConfig } from '../config/configuration';
import { prepareEnvironment } from '../config/prepare-environment';
import { PasswordHasher } from '../modules/users/password-hasher';
import { seedDemo } from './demo-profile';
import { NonEmptyDatabaseError, prepareEmptyDatabase } from './empty-database';
import {
  BIG_COURSE_SLUG,
  GRADEBOOK_ASSIGNMENTS,
  GRADEBOOK_ATTEMPTS,
  GRADEBOOK_COURSE_SLUG,
  GRADEBOOK_QUIZZES,
  SCALE_DOMAIN,
  seedScale,
} from './scale-profile';
import { parseSeedOptions, SeedOptions, UsageError, USAGE } from './seed-options';
import { formatCount } from './step-reporter';

@Module({})
class SeedModule {
  static forRoot(): DynamicModule {
    return { module: SeedModule, imports: coreImports() };
  }
}

const print = (text: string) => process.stdout.write(`${text}\n`);

async function runDemo(app: INestApplicationContext, password: string): Promise<void> {
  const result = await seedDemo(app, { profile: 'demo', password });
  const c = result.counts;
  print(
    `demo seeded in ${result.totalSeconds.toFixed(1)} s: ${c.users} users, ${c.courses} published ` +
      `courses (${c.lessons} lessons, ${c.quizzes} quizzes, ${c.questions} questions), ` +
      `${c.enrollments} enrollments (${c.completed} completed), ${c.lesson_progress} completed ` +
      `lessons, ${c.quiz_attempts} graded attempts, ${c.certificates} certificates`,
  );
  print(`\nLogins (the same password for every account: ${password}):`);
  for (const login of result.logins) {
    print(`  ${login.role.padEnd(10)} ${login.email.padEnd(32)} ${login.fullName} (${login.note})`);
  }
}

async function runScale(
  app: INestApplicationContext,
  options: Extract<SeedOptions, { profile: 'scale' }>,
): Promise<void> {
  // One real argon2 hash, computed once and shared by every account, so that logins work.
  const hash = await app.get(PasswordHasher).hash(options.password);
  const result = await seedScale(app.get(DataSource), options, hash);
  const c = result.counts;
  const big = result.bigCourse;
  print(
    `scale seeded in ${result.totalSeconds.toFixed(1)} s: ` +
      Object.entries(c)
        .map(([table, rows]) => `${table} ${formatCount(rows)}`)
        .join(', '),
  );
  print(
    `big course (${BIG_COURSE_SLUG}): ${formatCount(big.enrollments)} enrollments ` +
      `(${formatCount(big.completed)} completed), ${formatCount(big.progressRows)} ` +
      `lesson_progress rows over ${big.lessons} lessons`,
  );
  print(
    `logins (the same password for every account: ${options.password}): ` +
      `admin@${SCALE_DOMAIN}, instructor1@${SCALE_DOMAIN} (teaches the big course), ` +
      `student1@${SCALE_DOMAIN} .. student${options.students}@${SCALE_DOMAIN}`,
  );
  print(`big course id: ${result.bigCourseId}`);
  print(
    `gradebook course (${GRADEBOOK_COURSE_SLUG}, instructor1): ` +
      `${formatCount(options.gradebookStudents)} students x ${GRADEBOOK_QUIZZES} quizzes ` +
      `(${GRADEBOOK_ATTEMPTS} finished attempts each) and ${GRADEBOOK_ASSIGNMENTS} assignments ` +
      `(one graded submission each); id ${result.gradebookCourseId}`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    print(USAGE);
    return;
  }
  const options = parseSeedOptions(argv);
  await prepareEnvironment();
  // The seed decides who exists: a bootstrap admin would make the database non-empty.
  delete process.env.BOOTSTRAP_ADMIN_EMAIL;
  delete process.env.BOOTSTRAP_ADMIN_PASSWORD;
  // Migrations wait until the database is known to be empty: a refused one stays untouched.
  const migrate = databaseConfig().migrateOnStart;
  process.env.DB_MIGRATE_ON_START = 'false';
  process.env.LOG_LEVEL ??= 'warn';
  const app = await NestFactory.createApplicationContext(SeedModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const applied = await prepareEmptyDatabase(app.get(DataSource), migrate);
    if (applied.length) process.stderr.write(`applied migrations: ${applied.join(', ')}\n`);
    if (options.profile === 'demo') await runDemo(app, options.password);
    else await runScale(app, options);
  } finally {
    await app.close();
  }
}

/** Where a fresh, empty database comes from: a new DATA_DIR for the embedded one, else createdb. */
function emptyDatabaseAdvice(): string {
  if (databaseConfig().url) {
    return 'Point DATABASE_URL at a new, empty database (e.g. `createdb lms_demo`) or empty this one.';
  }
  return (
    'Seed a fresh embedded database with another DATA_DIR, e.g. ' +
    '`DATA_DIR=./data-demo npm run seed -- --profile demo`, then start the API with that DATA_DIR.'
  );
}

// Explicit exits: an open handle must never keep the process running, nor decide its exit code.
main().then(
  () => process.exit(0),
  (error: Error) => {
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n\n`);
    process.stderr.write(`seed failed: ${error.message}\n`);
    if (error instanceof NonEmptyDatabaseError) process.stderr.write(`${emptyDatabaseAdvice()}\n`);
    process.exit(1);
  },
);
