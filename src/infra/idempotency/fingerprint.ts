import { createHash } from 'node:crypto';

/** The JSON text of a value with object keys sorted at every level: equal bodies, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface FingerprintInput {
  method: string;
  /** Path and query string as sent. */
  url: string;
  contentType: string | undefined;
  contentLength: string | undefined;
  /** The parsed JSON body (undefined for multipart: it is not read before the handler). */
  body: unknown;
}

/**
 * SHA-256 of the method, the URL and the canonical body. A multipart upload is streamed by its
 * handler, after this runs, so its body cannot be hashed: its Content-Length stands in for it
 * (a retry of the same file with the same key is the same size; the boundary is left out since
 * clients pick a new one per request).
 */
export function requestFingerprint(input: FingerprintInput): string {
  const multipart = input.contentType?.toLowerCase().startsWith('multipart/') ?? false;
  const body = multipart
    ? `multipart;length=${input.contentLength ?? ''}`
    : canonicalJson(input.body ?? null);
  return createHash('sha256')
    .update(`${input.method.toUpperCase()} ${input.url}\n${body}`)
    .digest('hex');
}
