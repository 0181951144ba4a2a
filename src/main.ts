import './node-version';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp } from './app.setup';
import { appConfig } from './config/configuration';
import { exitGracefullyOnSignals } from './common/http/graceful-shutdown';
import { prepareEnvironment } from './config/prepare-environment';
import { initErrorReporting } from './observability/error-reporting';

async function bootstrap(): Promise<void> {
  const vault = await prepareEnvironment();
  await initErrorReporting('api');
  const app = await NestFactory.create(AppModule.forRoot(), APP_OPTIONS);
  configureApp(app);
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
