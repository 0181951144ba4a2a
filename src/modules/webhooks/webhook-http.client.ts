import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './target-guard';

export interface WebhookResponse {
  statusCode?: number;
  error?: string;
}

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Resolves like dns.lookup but refuses private addresses at connect time, so a name that resolves
 * to a public address when checked and to a private one when connecting (DNS rebinding) is still
 * refused.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = allowPrivate
        ? addresses
        : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) {
        return callback(
          new Error(`refusing to connect to a private address for ${hostname}`),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, usable);
      } else {
        callback(null, usable[0].address, usable[0].family);
      }
    });
  };
}

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
