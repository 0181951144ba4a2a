import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Kept this long after the first request. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;
/**
 * A `running` row older than this belongs to a request whose process died (or whose client went
 * away before the answer was stored): it may be claimed again.
 */
export const IDEMPOTENCY_ABANDONED_MS = 10 * 60_000;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** Sealed JSON of the body, or null for an empty body. */
  body: string | null;
}

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'mismatch' }
  | { kind: 'in-use' }
  | { kind: 'replay'; response: StoredResponse };

interface Row {
  fingerprint: string;
  state: 'running' | 'done';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

/**
 * Idempotency records in PostgreSQL, so that every API process sees the same ones (with or without
 * Redis, and with the embedded database). Each operation is one statement: no lock is held across
 * the request.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request, or says why not. The primary key decides between concurrent
   * first requests; an expired or abandoned record is taken over in the same statement.
   */
  async claim(scope: string, key: string, fingerprint: string, now: Date): Promise<ClaimOutcome> {
    for (let round = 0; round < 3; round++) {
      const claimed = await this.dataSource.query<unknown[]>(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, key) DO UPDATE
            SET fingerprint = EXCLUDED.fingerprint, state = 'running', response_status = NULL,
                response_headers = NULL, response_body = NULL,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
          WHERE idempotency_keys.expires_at <= $4
             OR (idempotency_keys.state = 'running' AND idempotency_keys.created_at <= $6)
         RETURNING 1`,
        [
          scope,
          key,
          fingerprint,
          now,
          new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS),
          new Date(now.getTime() - IDEMPOTENCY_ABANDONED_MS),
        ],
      );
      if (claimed.length > 0) return { kind: 'claimed' };
      const [row] = await this.dataSource.query<Row[]>(
        `SELECT fingerprint, state, response_status, response_headers, response_body
           FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      // Released between the two statements (the first request failed): try to take it again.
      if (!row) continue;
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.state === 'running') return { kind: 'in-use' };
      return {
        kind: 'replay',
        response: {
          status: row.response_status ?? 200,
          headers: row.response_headers ?? {},
          body: row.response_body,
        },
      };
    }
    return { kind: 'in-use' };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys
          SET state = 'done', response_status = $3, response_headers = $4, response_body = $5
        WHERE scope = $1 AND key = $2 AND state = 'running'`,
      [scope, key, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** The first request failed: the key is free again. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'running'`,
      [scope, key],
    );
  }

  /** Removes expired records; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    const [, removed] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM idempotency_keys WHERE expires_at <= $1`,
      [now],
    );
    return removed;
  }
}
