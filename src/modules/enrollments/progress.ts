/**
 * Course progress: completed lessons / lessons of the course * 100, rounded to 2 decimals (half
 * up). A course without lessons is 0 % and never complete. The SQL recomputation in
 * EnrollmentsRepository.recomputeForCourse mirrors this formula.
 */
export function progressPercentage(completed: number, total: number): number {
  if (total <= 0) return 0;
  const ratio = Math.min(completed, total) / total;
  return Math.round(ratio * 10_000) / 100;
}

export function isComplete(completed: number, total: number): boolean {
  return total > 0 && completed >= total;
}
