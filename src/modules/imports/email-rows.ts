/** The most rows one bulk enrollment takes (CSV rows or JSON emails). */
export const MAX_BULK_ROWS = 50_000;
/** Rows handled per transaction: one set-based statement per step for this many. */
export const BULK_BATCH_SIZE = 1_000;
/** Row errors kept on the job. */
export const MAX_JOB_ERRORS = 1_000;

/** One row to import; `row` counts data rows from 1 (a CSV header is not a row). */
export interface ImportRow {
  row: number;
  email: string;
  fullName: string | null;
}

export interface RowError {
  row: number;
  email: string;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// Control characters (NUL included: PostgreSQL refuses it in text).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Trimmed, lower-case, control characters replaced (they never reach the database). */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase().replace(CONTROL, '\uFFFD').slice(0, 320);
}

/** Why this (normalized) email cannot be imported, or null. */
export function emailProblem(email: string): string | null {
  if (email === '') return 'The email is empty';
  if (email.length > 254 || !EMAIL.test(email) || email.includes('\uFFFD')) {
    return 'Not a valid email address';
  }
  return null;
}

/** A name for an account created from a row: the given one, else the email's local part. */
export function fullNameFor(row: ImportRow): string {
  const given = row.fullName?.replace(CONTROL, ' ').trim();
  return (given || row.email.split('@')[0]).slice(0, 200);
}

/** The row's full name as stored (or null): trimmed, at most 200 characters. */
export function cleanFullName(raw: string | undefined | null): string | null {
  const name = raw?.replace(CONTROL, ' ').trim();
  return name ? name.slice(0, 200) : null;
}
