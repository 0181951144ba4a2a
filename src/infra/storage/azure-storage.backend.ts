import type { Readable } from 'node:stream';
import type * as AzureSdk from '@azure/storage-blob';
import { attachmentDisposition } from '../../common/http/content-disposition';
import { SignedUrlOptions, StorageBackend } from './storage.backend';

const UPLOAD_BUFFER_BYTES = 4 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 4;

/**
 * Azure Blob Storage; downloads go through short-lived SAS URLs. The SDK (about 7 MB of the
 * process's memory) is loaded by `open`, so processes on the local backend never load it.
 */
export class AzureStorageBackend extends StorageBackend {
  readonly provider = 'azure' as const;

  private constructor(
    private readonly sdk: typeof AzureSdk,
    private readonly container: AzureSdk.ContainerClient,
  ) {
    super();
  }

  static open(connectionString: string, containerName: string): AzureStorageBackend {
    // require, not import(): import() would load the package's ESM build here and its CommonJS
    // build under jest; this way tests and production run the same code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('@azure/storage-blob') as typeof AzureSdk;
    const service = sdk.BlobServiceClient.fromConnectionString(connectionString);
    return new AzureStorageBackend(sdk, service.getContainerClient(containerName));
  }

  async ensureReady(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async put(key: string, content: Readable, contentType: string): Promise<number> {
    let bytes = 0;
    content.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    const blob = this.container.getBlockBlobClient(key);
    await blob.uploadStream(content, UPLOAD_BUFFER_BYTES, UPLOAD_CONCURRENCY, {
      blobHTTPHeaders: { blobContentType: contentType },
    });
    return bytes;
  }

  async get(key: string): Promise<Readable> {
    const response = await this.container.getBlobClient(key).download();
    if (!response.readableStreamBody) throw new Error('empty blob download');
    return response.readableStreamBody as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.container.getBlobClient(key).deleteIfExists();
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    return this.container.getBlobClient(key).generateSasUrl({
      permissions: this.sdk.BlobSASPermissions.parse('r'),
      startsOn: new Date(Date.now() - 60_000),
      expiresOn: new Date(Date.now() + options.ttlSeconds * 1000),
      // Sent back verbatim as a header: ASCII only, the exact name in RFC 5987 form.
      contentDisposition: attachmentDisposition(options.filename),
      contentType: options.contentType,
    });
  }
}
