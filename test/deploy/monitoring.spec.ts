import { readFileSync } from 'node:fs';
import { loadYaml } from '../utils/deploy-files';
import { metricSeries } from './app-facts';

interface Dashboard {
  panels: Array<{ id: number; title: string; targets?: Array<{ expr?: string }> }>;
}
interface PrometheusConfig {
  scrape_configs: Array<{
    job_name: string;
    dns_sd_configs?: Array<{ names: string[]; port: number }>;
  }>;
}

const dashboard = JSON.parse(
  readFileSync('deploy/grafana/dashboards/lms.json', 'utf8'),
) as Dashboard;

/** PromQL words that look like metric names: functions, aggregations, keywords. */
const PROMQL_WORDS = new Set(
  (
    'sum rate irate increase histogram_quantile by without on ignoring group_left group_right ' +
    'or and unless vector avg max min count topk bottomk le offset clamp_min clamp_max abs ' +
    'delta deriv time scalar label_replace avg_over_time max_over_time min_over_time'
  ).split(' '),
);

/** Series names in a PromQL expression: identifiers outside strings, labels and ranges. */
function seriesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b[a-zA-Z_:][\w:]*\b(?!\s*\()/g)]
    .map(([name]) => name)
    .filter((name) => !PROMQL_WORDS.has(name) && !/^\d/.test(name));
}

describe('monitoring', () => {
  it('the dashboard queries only series the API and the worker register', async () => {
    const known = await metricSeries();
    const used = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) => seriesIn(target.expr ?? '')),
    );
    expect(used).toEqual(expect.arrayContaining(['http_requests_total', 'queue_jobs']));
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });

  it('the dashboard panels have unique ids', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('Prometheus scrapes compose services on the ports the API and the worker listen on', () => {
    const [prometheus] = loadYaml<PrometheusConfig>('deploy/prometheus/prometheus.yml');
    const [compose] = loadYaml<{
      services: Record<string, { environment?: Record<string, string> }>;
    }>('docker-compose.prod.yml');
    const targets = prometheus.scrape_configs.flatMap((job) =>
      (job.dns_sd_configs ?? []).flatMap(({ names, port }) =>
        names.map((name) => ({ name, port })),
      ),
    );
    expect(targets).toEqual(
      expect.arrayContaining([
        { name: 'api', port: 8000 },
        { name: 'worker', port: Number(compose.services.worker.environment?.WORKER_HEALTH_PORT) },
      ]),
    );
    for (const { name } of targets) expect(Object.keys(compose.services)).toContain(name);
  });
});
