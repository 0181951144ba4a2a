import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SignedUrlOptions, StorageBackend } from './storage.backend';

const SAFE_KEY = /^[a-z0-9-]+(\/[a-z0-9-]+)*(\.[a-z0-9]+)?$/;

/** Files under DATA_DIR/uploads; keys map to paths only after a strict format check. */
export class LocalStorageBackend extends StorageBackend {
  readonly provider = 'local' as const;

  constructor(private readonly root: string) {
    super();
  }

  async ensureReady(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  async put(key: string, content: Readable, _contentType: string): Promise<number> {
    const path = this.pathOf(key);
    await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
    try {
      await pipeline(content, createWriteStream(path, { mode: 0o600 }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return (await stat(path)).size;
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path);
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async signedUrl(_key: string, _options: SignedUrlOptions): Promise<string | null> {
    return null;
  }

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error('invalid storage key');
    return join(this.root, key);
  }
}
