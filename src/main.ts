import './node-version';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp } from './app.setup';
import { EnvelopingExpressAdapter } from './common/http/enveloping-express.adapter';
import { appConfig } from './config/configuration';
import { exitGracefullyOnSignals } from './common/http/graceful-shutdown';
import { prepareEnvironment } from './config/prepare-environment';
import { initErrorReporting } from './observability/error-reporting';

async function bootstrap(): Promise<void> {
  const vault = await prepareEnvironment();
  await initErrorReporting('api');
  // A start-up failure is reported below in one line naming its cause, not as Nest's module list
  // followed by a stack trace: no automatic flush of the buffered logs, no abort.
  const app = await NestFactory.create(AppModule.forRoot(), new EnvelopingExpressAdapter(), {
    ...APP_OPTIONS,
    abortOnError: false,
    autoFlushLogs: false,
  });
  configureApp(app);
  app.flushLogs();
  exitGracefullyOnSignals(app, 'the API');
  if (vault.warning) Logger.warn(vault.warning, 'Vault');

  const { port } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen(port);
  Logger.log(`API listening on http://localhost:${port}/api/v1 (docs at /docs)`, 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(`Start-up failed: ${error.message}`);
  process.exit(1);
});
