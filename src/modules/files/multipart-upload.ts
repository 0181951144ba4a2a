import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import busboy from 'busboy';
import { fileTypeFromBuffer } from 'file-type';
import { BadRequestError } from '../../common/errors/app-error';
import { contentTypeFor } from './content-check';
import { cleanFileName, extensionOf } from './file-name';
import { FileTooLargeError, MissingFileError, UnsupportedFileTypeError } from './files.errors';

/** Enough bytes for every signature `file-type` knows. */
const SNIFF_BYTES = 4100;
/** Room for the multipart framing around the file when checking Content-Length up front. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface UploadLimits {
  maxBytes: number;
  allowedExtensions: readonly string[];
}

export interface ReceivedFile {
  originalFilename: string;
  contentType: string;
  size: number;
}

/** Stores the stream somewhere; must reject (and keep nothing) when the stream errors. */
export type Sink = (content: Readable, contentType: string) => Promise<number>;

/**
 * Streams the multipart field `file` into `sink` without holding it in memory: the extension is
 * checked first (415), then the first bytes against it (415), then the size as it flows (413,
 * the sink sees a stream error). Nothing of the body is buffered beyond the sniffing window.
 */
export function receiveUpload(
  req: IncomingMessage,
  limits: UploadLimits,
  sink: Sink,
): Promise<ReceivedFile> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBytes + MULTIPART_OVERHEAD) {
    return Promise.reject(new FileTooLargeError(limits.maxBytes));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send file names as raw UTF-8 (busboy would read them as Latin-1).
      defParamCharset: 'utf8',
      // busboy flags a file as truncated once it *reaches* `fileSize`; one byte more lets a file
      // of exactly maxBytes through and still stops anything over it.
      limits: { files: 1, fileSize: limits.maxBytes + 1, fields: 10, parts: 20 },
    });
  } catch {
    return Promise.reject(new BadRequestError('Expected a multipart/form-data body'));
  }

  return new Promise<ReceivedFile>((resolve, reject) => {
    let pending: Promise<ReceivedFile> | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume(); // drain what the client is still sending
      reject(error);
    };

    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || pending) {
        stream.resume();
        return;
      }
      pending = handleFile(stream, info.filename, limits, sink);
      pending.catch(fail);
    });
    parser.on('error', () => fail(new BadRequestError('Malformed multipart body')));
    parser.on('close', () => {
      if (!pending) return fail(new MissingFileError());
      pending.then((file) => {
        if (!settled) {
          settled = true;
          resolve(file);
        }
      }, fail);
    });
    req.on('aborted', () => fail(new BadRequestError('The upload was interrupted')));
    req.pipe(parser);
  });
}

async function handleFile(
  stream: Readable & { truncated?: boolean },
  filename: string | undefined,
  limits: UploadLimits,
  sink: Sink,
): Promise<ReceivedFile> {
  const originalFilename = cleanFileName(filename);
  const extension = extensionOf(originalFilename);
  if (!limits.allowedExtensions.includes(extension)) {
    stream.resume();
    throw new UnsupportedFileTypeError(
      `Files of type ".${extension || '(none)'}" are not accepted; allowed: ${limits.allowedExtensions.join(', ')}`,
    );
  }

  const { head, ended } = await readHead(stream, SNIFF_BYTES);
  if (head.length === 0) {
    throw new MissingFileError('the file is empty');
  }
  const detected = await fileTypeFromBuffer(head);
  const contentType = contentTypeFor(extension, detected, head);
  if (!contentType) {
    stream.resume();
    throw new UnsupportedFileTypeError(`The content does not match the ".${extension}" extension`);
  }

  const body = new PassThrough();
  body.write(head);
  if (ended) {
    body.end();
  } else {
    stream.on('limit', () => body.destroy(new FileTooLargeError(limits.maxBytes)));
    stream.on('error', (error: Error) => body.destroy(error));
    stream.pipe(body);
  }
  let size: number;
  try {
    size = await sink(body, contentType);
  } catch (error) {
    // Backends may wrap the stream's error; the cause that matters is the size limit.
    if (stream.truncated) throw new FileTooLargeError(limits.maxBytes);
    throw error;
  }
  if (stream.truncated) throw new FileTooLargeError(limits.maxBytes);
  return { originalFilename, contentType, size };
}

/** Reads up to `bytes` from the start of the stream, pausing it there. */
function readHead(stream: Readable, bytes: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (ended: boolean) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) done(false);
    };
    const onEnd = () => done(true);
    const onError = (error: Error) => reject(error);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
