import { createServer, Server } from 'node:http';
import { INestApplicationContext, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { register } from 'prom-client';
import { observabilityConfig } from '../../config/configuration';
import { ensureDefaultMetrics } from '../metrics/default-metrics';
import { metricsAuthorized } from '../metrics/metrics-token';
import { ReadinessService } from './readiness.service';

/**
 * The worker has no HTTP API; with WORKER_HEALTH_PORT set it answers /health, /ready and /metrics
 * for Kubernetes probes and Prometheus. Closed with the application.
 */
export async function startWorkerHealthServer(
  app: INestApplicationContext,
): Promise<Server | undefined> {
  const cfg = app.get<ConfigType<typeof observabilityConfig>>(observabilityConfig.KEY);
  if (!cfg.workerHealthPort) return undefined;
  const readiness = app.get(ReadinessService);
  ensureDefaultMetrics();

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health') return send(200, { status: 'ok' });
    if (path === '/ready') {
      void readiness.check().then((state) => send(state.status === 'ok' ? 200 : 503, state));
      return;
    }
    if (path === '/metrics' && cfg.metricsEnabled) {
      if (!metricsAuthorized(req.headers.authorization, cfg.metricsToken)) {
        return send(401, { status: 'unauthorized' });
      }
      void register.metrics().then((text) => send(200, text, register.contentType));
      return;
    }
    send(404, { status: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(cfg.workerHealthPort, resolve));
  Logger.log(`worker health on :${cfg.workerHealthPort}`, 'Bootstrap');
  const close = () => server.close();
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  return server;
}
