import { ConfigModule } from '@nestjs/config';
import { ALL_CONFIG } from './configuration';
import { validateEnvironment } from './environment';

/**
 * Validates the whole environment once (`.env` and Vault were applied before, by
 * prepareEnvironment) and exposes the typed namespaces globally.
 */
export function createConfigModule() {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    ignoreEnvFile: true,
    load: ALL_CONFIG,
    validate: (raw) => {
      validateEnvironment(raw);
      return raw;
    },
  });
}
