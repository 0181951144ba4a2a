/**
 * Course progress, decided in SQL where it is written (the completion statement and the recount
 * after lesson changes, EnrollmentsRepository), so that a count and the figures derived from it
 * come from one snapshot: completed lessons / lessons of the course * 100, capped at 100, rounded
 * to 2 decimals (numeric, half away from zero); a course without lessons is 0 % and is never
 * complete. `done` and `total` are SQL integer expressions. test/medium/progress.medium-spec.ts
 * checks the rule on PostgreSQL.
 */
export function progressSql(done: string, total: string): string {
  return `(CASE WHEN ${total} = 0 THEN 0 ELSE round(100.0 * LEAST(${done}, ${total}) / ${total}, 2) END)`;
}

/** Whether `done` of `total` lessons complete the course (SQL boolean expression). */
export function completesSql(done: string, total: string): string {
  return `(${total} > 0 AND ${done} >= ${total})`;
}
