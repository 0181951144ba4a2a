import { join } from 'node:path';
import { Global, Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig, storageConfig } from '../../config/configuration';
import { AzureStorageBackend } from './azure-storage.backend';
import { LocalStorageBackend } from './local-storage.backend';
import { StorageBackend } from './storage.backend';
import { StoredObjectDeletions } from './stored-object-deletions';

/**
 * STORAGE_PROVIDER picks the backend, checked at start-up: in production a backend that does not
 * answer stops the process with a clear error; elsewhere it is logged and retried on use.
 */
@Global()
@Module({
  providers: [
    {
      provide: StorageBackend,
      inject: [storageConfig.KEY, appConfig.KEY],
      useFactory: async (
        storage: ConfigType<typeof storageConfig>,
        app: ConfigType<typeof appConfig>,
      ): Promise<StorageBackend> => {
        const backend =
          storage.provider === 'azure'
            ? AzureStorageBackend.open(storage.azureConnectionString ?? '', storage.azureContainer)
            : new LocalStorageBackend(join(app.dataDir, 'uploads'));
        try {
          await backend.ensureReady();
        } catch (error) {
          const message = `storage backend "${storage.provider}" is not usable: ${(error as Error).message}`;
          if (app.isProduction) throw new Error(message, { cause: error });
          new Logger('Storage').warn(message);
        }
        return backend;
      },
    },
    StoredObjectDeletions,
  ],
  exports: [StorageBackend],
})
export class StorageModule {}
