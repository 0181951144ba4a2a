import type { Stream } from 'node:stream';

/** supertest parser that collects a response body as raw bytes, whatever its content type. */
export function binaryParser(
  res: Stream,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}
