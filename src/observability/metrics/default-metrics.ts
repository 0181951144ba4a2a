import { collectDefaultMetrics, register } from 'prom-client';

/** Node and process defaults, once per process (prom-client refuses a second registration). */
export function ensureDefaultMetrics(): void {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
}
