import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { APP_OPTIONS, applyGlobalPrefix } from '../src/app.setup';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../src/openapi';

/**
 * Writes openapi.json from the application's routes and DTOs. Preview mode builds the module graph
 * without instantiating providers, so no database or Redis is needed.
 */
async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'silent';
  const app = await NestFactory.create(AppModule.forRoot(), {
    ...APP_OPTIONS,
    preview: true,
    logger: false,
  });
  applyGlobalPrefix(app);
  const target = resolve(__dirname, '..', 'openapi.json');
  writeFileSync(target, serializeOpenApiDocument(buildOpenApiDocument(app)));
  await app.close();
  console.log(`wrote ${target}`);
}

void main();
