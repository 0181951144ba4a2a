/**
 * SQL that formats a timestamptz as JavaScript's `Date#toISOString()` would (UTC, milliseconds,
 * `Z`; both truncate the microseconds), for hot read paths that only pass instants through to
 * JSON: PostgreSQL writes the text once instead of the driver parsing it into a Date that is then
 * formatted again (about 5 % of an uncached catalogue page's CPU, bench/RESULTS.md). NULL stays
 * NULL. `column` is a trusted SQL expression, never input.
 */
export function isoTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** An instant as a Date (entities) or as the ISO 8601 text `isoTimestampSql` produced. */
export type Instant = Date | string;

/** The ISO 8601 text of an instant. */
export function isoOf(instant: Instant): string {
  return typeof instant === 'string' ? instant : instant.toISOString();
}
