import { INestApplication, INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import TestAgent from 'supertest/lib/agent';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp } from '../../src/app.setup';
import { EnvelopingExpressAdapter } from '../../src/common/http/enveloping-express.adapter';
import { WorkerModule } from '../../src/worker.module';
import {
  createTestDatabase,
  dropTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from './test-database';

export type Env = Record<string, string | undefined>;

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  dataSource: DataSource;
  env: Env;
  close(): Promise<void>;
}

/** Applies `env` to process.env while `build` runs: configuration is read during module set-up. */
export async function withEnv<T>(env: Env, build: () => Promise<T>): Promise<T> {
  const saved: Env = {};
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await build();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * Environment of a test app: its own cloned database, Redis (when reachable) under its own key
 * prefix, jobs inline unless the test says otherwise. Pass `share` to reuse another app's
 * database and Redis prefix (an API and a worker of the same deployment).
 */
export async function testEnv(overrides: Env = {}, share?: Env): Promise<Env> {
  const redis = testRedisUrl();
  return {
    DATABASE_URL: share?.DATABASE_URL ?? (await createTestDatabase()),
    REDIS_URL: redis || undefined,
    REDIS_PREFIX: share?.REDIS_PREFIX ?? uniqueRedisPrefix(),
    JOBS_INLINE: 'true',
    DATA_DIR: share?.DATA_DIR ?? `/tmp/lms-test-data/${process.pid}-${Date.now()}`,
    ...overrides,
  };
}

/** Boots the real AppModule through the same configureApp() as main.ts. */
export async function createTestApp(
  overrides: Env = {},
  options: { share?: Env; imports?: ModuleMetadata['imports'] } = {},
): Promise<TestApp> {
  const env = await testEnv(overrides, options.share);
  const app = await withEnv(env, async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(), ...(options.imports ?? [])],
    }).compile();
    const nest = moduleRef.createNestApplication(new EnvelopingExpressAdapter(), APP_OPTIONS);
    configureApp(nest);
    await nest.init();
    return nest;
  });
  const dataSource = app.get(DataSource);
  return {
    app,
    http: request.agent(app.getHttpServer()),
    dataSource,
    env,
    close: async () => {
      await app.close();
      if (!options.share) await dropTestDatabase(env.DATABASE_URL ?? '');
    },
  };
}

/** Boots the worker (BullMQ consumers + outbox relay) against an existing app's database and Redis. */
export async function createTestWorker(
  share: Env,
  overrides: Env = {},
): Promise<INestApplicationContext> {
  const env = { ...(await testEnv({ JOBS_INLINE: 'false', ...overrides }, share)) };
  return withEnv(env, async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WorkerModule.forRoot()],
    }).compile();
    await moduleRef.init();
    return moduleRef;
  });
}
