import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp } from '../../src/app.setup';
import { EnvelopingExpressAdapter } from '../../src/common/http/enveloping-express.adapter';

/**
 * The environment of an API booted inside a benchmark's own process: the scratch database and
 * data directory, rate limits and API docs off, quiet logs, Redis only when BENCH_REDIS_URL asks
 * for it (otherwise cache, revocations and jobs run in the process); `extra` adds or overrides.
 * Call it before bootInProcessApi: configuration is read when AppModule.forRoot() runs.
 */
export function configureInProcessApi(
  databaseUrl: string,
  dataDir: string,
  extra: Record<string, string> = {},
): void {
  Object.assign(process.env, {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    API_DOCS_ENABLED: 'false',
    ...extra,
  });
  if (process.env.BENCH_REDIS_URL) process.env.REDIS_URL = process.env.BENCH_REDIS_URL;
  else delete process.env.REDIS_URL;
}

/**
 * Boots the API as main.ts does (same module, same HTTP pipeline), listening on 127.0.0.1 on a
 * free port; migrations run at start-up outside production. `base` ends with /api/v1.
 */
export async function bootInProcessApi(): Promise<{ app: INestApplication; base: string }> {
  const app = await NestFactory.create(
    AppModule.forRoot(),
    new EnvelopingExpressAdapter(),
    APP_OPTIONS,
  );
  try {
    configureApp(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}/api/v1` };
}
