import { getMetadataStorage } from 'class-validator';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DRAIN_TIMEOUT_MS } from '../../src/common/http/graceful-shutdown';
import { EnvironmentVariables } from '../../src/config/environment';
import { VAULT_SECRET_KEYS } from '../../src/config/vault-secrets';
import { JOB_OUTCOMES_METRIC } from '../../src/infra/queue/job-handler.registry';
import {
  DELIVERIES_METRIC,
  DELIVERY_DURATION_METRIC,
} from '../../src/modules/webhooks/webhook-delivery.service';
import {
  HTTP_REQUEST_DURATION,
  HTTP_REQUESTS_IN_FLIGHT,
  HTTP_REQUESTS_TOTAL,
  QUEUE_DEPTH,
} from '../../src/observability/metrics/metrics.constants';

/** What the deployment files must agree with, read from the application itself. */

/** Every variable of the env schema: the properties class-validator knows on the class. */
export const ENV_VARIABLES: ReadonlySet<string> = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((meta) => meta.propertyName),
);

export const SECRET_VARIABLES: ReadonlySet<string> = new Set(VAULT_SECRET_KEYS);

/** How long the app drains after SIGTERM before it exits on its own. */
export const DRAIN_SECONDS = Math.ceil(DRAIN_TIMEOUT_MS / 1000);

/** Histograms are scraped as `_bucket`, `_sum` and `_count` series. */
const HISTOGRAMS = [HTTP_REQUEST_DURATION, DELIVERY_DURATION_METRIC];
const APP_METRICS = [
  HTTP_REQUESTS_TOTAL,
  HTTP_REQUESTS_IN_FLIGHT,
  QUEUE_DEPTH,
  JOB_OUTCOMES_METRIC,
  DELIVERIES_METRIC,
  ...HISTOGRAMS.flatMap((name) => ['_bucket', '_sum', '_count'].map((end) => name + end)),
];

/** prom-client's default metrics (process_*, nodejs_*), as the app registers them. */
async function defaultMetricSeries(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const text = await registry.metrics();
  return [...text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{| )/gm)].map(([, name]) => name);
}

/** Every series name /metrics can show. */
export async function metricSeries(): Promise<ReadonlySet<string>> {
  return new Set([...APP_METRICS, ...(await defaultMetricSeries())]);
}
