import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface AttemptReservation {
  /** This attempt's number within the current window (1 = first). */
  attempts: number;
  /** Seconds until the lock ends, or 0 when there is no lock. */
  lockedForSeconds: number;
}

/**
 * `auth_attempts`: one row per counter key. Every write is one statement (an upsert that takes the
 * row lock only for itself), so concurrent attempts are counted exactly and nothing is held
 * across another connection.
 */
@Injectable()
export class AttemptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counts one attempt. A window that ended (and any lock that ended) starts again at 1; the attempt
   * that reaches `max` sets the lock, which a later success may still lift.
   */
  async reserve(
    key: string,
    max: number,
    windowSeconds: number,
    lockSeconds: number,
  ): Promise<AttemptReservation> {
    const fresh = `((a.locked_until IS NOT NULL AND a.locked_until <= now())
                    OR (a.locked_until IS NULL AND a.window_ends_at <= now()))`;
    const rows = await this.dataSource.query<Array<{ attempts: number; locked_for: string }>>(
      `INSERT INTO auth_attempts AS a (key, attempts, window_ends_at, locked_until)
       VALUES ($1, 1, now() + make_interval(secs => $2),
               CASE WHEN $3::int <= 1 THEN now() + make_interval(secs => $4) END)
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN ${fresh} THEN 1 ELSE a.attempts + 1 END,
         window_ends_at = CASE WHEN ${fresh} THEN now() + make_interval(secs => $2)
                               ELSE a.window_ends_at END,
         locked_until = CASE
           WHEN ${fresh} THEN CASE WHEN $3::int <= 1 THEN now() + make_interval(secs => $4) END
           WHEN a.locked_until IS NULL AND a.attempts + 1 >= $3::int
             THEN now() + make_interval(secs => $4)
           ELSE a.locked_until END
       RETURNING attempts,
                 COALESCE(ceil(extract(epoch FROM locked_until - now())), 0) AS locked_for`,
      [key, windowSeconds, max, lockSeconds],
    );
    return {
      attempts: rows[0].attempts,
      lockedForSeconds: Math.max(0, Number(rows[0].locked_for)),
    };
  }

  /** Counts one hit in a window of `windowSeconds`; returns the hits so far in that window. */
  async hit(key: string, windowSeconds: number, manager?: EntityManager): Promise<number> {
    const runner = manager ?? this.dataSource.manager;
    const rows = await runner.query<Array<{ attempts: number }>>(
      `INSERT INTO auth_attempts AS a (key, attempts, window_ends_at)
       VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN a.window_ends_at <= now() THEN 1 ELSE a.attempts + 1 END,
         window_ends_at = CASE WHEN a.window_ends_at <= now()
                               THEN now() + make_interval(secs => $2) ELSE a.window_ends_at END
       RETURNING attempts`,
      [key, windowSeconds],
    );
    return rows[0].attempts;
  }

  async clear(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM auth_attempts WHERE key = $1`, [key]);
  }

  async deleteEndedBefore(cutoff: Date): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM auth_attempts
        WHERE window_ends_at < $1 AND (locked_until IS NULL OR locked_until < $1)`,
      [cutoff],
    );
    return count;
  }
}
