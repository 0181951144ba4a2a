import './node-version';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { exitGracefullyOnSignals } from './common/http/graceful-shutdown';
import { prepareEnvironment } from './config/prepare-environment';
import { initErrorReporting } from './observability/error-reporting';
import { startWorkerHealthServer } from './observability/health/worker-health.server';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const vault = await prepareEnvironment();
  await initErrorReporting('worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(), {
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  exitGracefullyOnSignals(app, 'the worker');
  if (vault.warning) Logger.warn(vault.warning, 'Vault');
  await startWorkerHealthServer(app);
  Logger.log('worker started: consuming queues and relaying the outbox', 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(`Worker start-up failed: ${error.message}`);
  process.exit(1);
});
