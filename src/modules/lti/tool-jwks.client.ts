import http from 'node:http';
import https from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createLocalJWKSet, JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { guardedLookup, targetProblem } from '../../common/http/target-guard';
import { ltiConfig } from '../../config/configuration';

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 64 * 1024;
/** How long a fetched key set is used before it is fetched again. */
const CACHE_MS = 5 * 60_000;
/** A key set is fetched again at once for an unknown `kid` (key rotation), at most this often. */
const REFRESH_MIN_MS = 10_000;

interface CachedSet {
  url: string;
  fetchedAt: number;
  keys: JWTVerifyGetKey;
  kids: Set<string>;
}

/** GETs a JSON document: guarded against private addresses, no redirects, 5 s, 64 KB. */
function getJson(url: string, allowPrivate: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.get(
      target,
      {
        headers: { accept: 'application/json', 'user-agent': 'lms-lti/1.0' },
        lookup: guardedLookup(allowPrivate),
        timeout: TIMEOUT_MS,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`key set answered ${response.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_BYTES) response.destroy(new Error('key set too large'));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error('key set is not JSON'));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('key set timed out')));
    request.on('error', reject);
  });
}

/**
 * The tools' public key sets (their JWKS URLs), fetched through the SSRF guard and cached per
 * tool for 5 minutes; an unknown `kid` refetches (at most every 10 s per tool).
 */
@Injectable()
export class ToolJwksClient {
  private readonly cache = new Map<string, CachedSet>();

  constructor(@Inject(ltiConfig.KEY) private readonly cfg: ConfigType<typeof ltiConfig>) {}

  /** A key resolver for jose's jwtVerify, or throws when the key set cannot be had. */
  async keysFor(
    toolId: string,
    jwksUrl: string,
    kid: string | undefined,
  ): Promise<JWTVerifyGetKey> {
    const now = Date.now();
    const cached = this.cache.get(toolId);
    const fresh = cached && cached.url === jwksUrl && now - cached.fetchedAt < CACHE_MS;
    const knowsKid = cached && (kid === undefined || cached.kids.has(kid));
    if (fresh && (knowsKid || now - cached.fetchedAt < REFRESH_MIN_MS)) return cached.keys;
    const problem = await targetProblem(jwksUrl, this.cfg.allowPrivateTargets);
    if (problem) throw new Error(`the tool's key set URL is not allowed (${problem})`);
    const body = (await getJson(jwksUrl, this.cfg.allowPrivateTargets)) as JSONWebKeySet;
    if (!body || !Array.isArray(body.keys)) throw new Error('not a JWK set');
    const entry: CachedSet = {
      url: jwksUrl,
      fetchedAt: now,
      keys: createLocalJWKSet(body),
      kids: new Set(body.keys.map((key) => key.kid).filter((k): k is string => !!k)),
    };
    this.cache.set(toolId, entry);
    return entry.keys;
  }
}
