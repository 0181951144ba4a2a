import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

let counter = 0;

/** The PostgreSQL server and migrated template prepared by test/global-setup.mjs. */
function server(): { url: string; template: string; runId: string } {
  const url = process.env.LMS_TEST_PG_SERVER;
  const template = process.env.LMS_TEST_TEMPLATE;
  const runId = process.env.LMS_TEST_RUN_ID;
  if (!url || !template || !runId)
    throw new Error('e2e tests need test/global-setup.mjs to run first');
  return { url, template, runId };
}

/** A fresh database cloned from the migrated template: each test app sees only its own rows. */
export async function createTestDatabase(): Promise<string> {
  const { url, template, runId } = server();
  // Random part: jest reloads this module (and its counter) for every test file of a worker.
  const name = `lms_t_${runId}_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  return `${url}/${name}`;
}

/** A new database with nothing in it, not even the migrations: a fresh deployment's. */
export async function createEmptyDatabase(): Promise<string> {
  const { url, runId } = server();
  const name = `lms_e_${runId}_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return `${url}/${name}`;
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const { url } = server();
  const name = databaseUrl.slice(databaseUrl.lastIndexOf('/') + 1);
  const admin = new Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Redis for tests, or '' when none is reachable (then the in-process implementations are used). */
export function testRedisUrl(): string {
  return process.env.LMS_TEST_REDIS_URL ?? '';
}

export function uniqueRedisPrefix(): string {
  return `t_${server().runId}_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
}
