import type { Readable } from 'node:stream';
import type { Response } from 'express';

/**
 * `attachment` with an ASCII fallback name and the exact name in RFC 5987 form, so that any
 * client name (quotes, non-ASCII) is offered safely.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export interface Attachment {
  contentType: string;
  filename: string;
  /** Bytes, when known. */
  length?: number | string;
}

/**
 * Streams a download: `Content-Disposition: attachment`, no caching by shared caches, and the
 * connection dropped (not a half-sent 200) if the stored object fails mid-way.
 */
export function sendAttachment(res: Response, stream: Readable, attachment: Attachment): void {
  res.setHeader('Content-Type', attachment.contentType);
  if (attachment.length !== undefined) res.setHeader('Content-Length', attachment.length);
  res.setHeader('Content-Disposition', attachmentDisposition(attachment.filename));
  res.setHeader('Cache-Control', 'private, no-store');
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
