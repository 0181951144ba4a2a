import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';
import {
  HTTP_REQUEST_DURATION,
  HTTP_REQUESTS_IN_FLIGHT,
  HTTP_REQUESTS_TOTAL,
} from './metrics.constants';

const UNMATCHED = 'unmatched';

/**
 * Counts and times every request under its route template (`/api/v1/courses/:id`), never the raw
 * URL, so label cardinality stays bounded; requests that matched no route share `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    @InjectMetric(HTTP_REQUESTS_TOTAL) private readonly total: Counter<string>,
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(HTTP_REQUESTS_IN_FLIGHT) private readonly inFlight: Gauge<string>,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    this.inFlight.inc();
    res.once('close', () => {
      this.inFlight.dec();
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : UNMATCHED;
      const labels = {
        method: req.method,
        route: route.includes('{*') ? UNMATCHED : route,
        status: String(res.statusCode),
      };
      this.total.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
