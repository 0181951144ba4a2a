import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from '../../common/http/target-guard';

export interface WebhookResponse {
  statusCode?: number;
  error?: string;
}

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one webhook: 10 s timeout, no redirects followed (a 3xx is a failed attempt), response
 * body read and discarded up to 64 KB.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  allowPrivate: boolean,
): Promise<WebhookResponse> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'lms-webhooks/1.0',
        },
        lookup: guardedLookup(allowPrivate),
        timeout: TIMEOUT_MS,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('close', () => resolve({ statusCode: response.statusCode }));
        response.on('error', () => resolve({ statusCode: response.statusCode }));
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`no response within ${TIMEOUT_MS / 1000} s`)),
    );
    request.on('error', (error) => resolve({ error: error.message }));
    request.end(body);
  });
}
