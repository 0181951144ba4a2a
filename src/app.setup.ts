import { INestApplication, NestApplicationOptions, RequestMethod } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { Logger } from 'nestjs-pino';
import { appConfig } from './config/configuration';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { EnvelopingExpressAdapter } from './common/http/enveloping-express.adapter';
import { requestIdMiddleware } from './common/http/request-context';
import { requestScopeMiddleware } from './common/http/request-scope';
import { compressionMiddleware } from './common/middleware/compression.middleware';
import { securityHeadersMiddleware } from './common/middleware/security-headers.middleware';
import { trustedHostsMiddleware } from './common/middleware/trusted-hosts.middleware';
import { verifyJsonDepth } from './common/http/json-depth';
import { REPLAYED_HEADER } from './infra/idempotency/idempotency.constants';
import { RejectNulPipe } from './common/pipes/reject-nul.pipe';
import { createValidationPipe } from './common/pipes/validation.pipe';
import { JWKS_PATH } from './infra/jwks/jwks.controller';
import { SERVICE_INFO_PATHS } from './observability/info/service-info.controller';
import { StartupQuietLogger } from './observability/logging/startup-quiet.logger';
import { errorStatus } from './error-codes';
import { setupOpenApi } from './openapi';

export const API_PREFIX = 'api/v1';
export const JSON_BODY_LIMIT = '1mb';
export const BULK_JSON_BODY_LIMIT = '4mb';
const BULK_JSON_PATH = /^\/api\/v1\/courses\/[^/]+\/enrollments\/bulk\/?$/;

/**
 * Responses smaller than this go out uncompressed: below TCP's initial congestion window (10
 * segments, about 14 KB) compression saves bytes but no round trip, and a gzip stream per small
 * response costs more CPU than the rest of a quiz start (bench/RESULTS.md, issue 23). Lists,
 * exports and the catalogue's larger pages are still compressed.
 */
export const COMPRESSION_THRESHOLD_BYTES = 8 * 1024;

/** Options for NestFactory.create / createNestApplication: body parsers are added by configureApp. */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true };

const EXPOSED_HEADERS = [
  'X-Request-ID',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'Content-Disposition',
  REPLAYED_HEADER,
];

/**
 * The whole HTTP pipeline, shared by main.ts and the e2e tests so that tests exercise exactly what
 * runs in production.
 */
export function configureApp(nest: INestApplication): INestApplication {
  envelopingAdapterOf(nest); // first: an application without it would answer without envelopes
  const app = nest as NestExpressApplication;
  const cfg = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);

  app.useLogger(new StartupQuietLogger(app.get(Logger)));
  app.disable('x-powered-by');
  // No automatic ETag: it is a SHA-1 of every response body (about 6 % of a catalogue page's CPU,
  // bench/RESULTS.md) for conditional requests nothing in the contract makes; public documents
  // (JWKS, status lists) are cached by their max-age.
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(cfg.trustProxy));
  app.use(requestIdMiddleware);
  // Host and CORS checks are mounted only when configured: unconfigured, both pass every request
  // through, and each layer costs every request (bench/RESULTS.md, issue 23).
  if (cfg.trustedHosts.length > 0) app.use(trustedHostsMiddleware(cfg.trustedHosts));
  app.use(securityHeadersMiddleware(cfg.isProduction));
  app.use(compressionMiddleware(COMPRESSION_THRESHOLD_BYTES));
  // Bulk enrollment takes up to 50,000 emails as JSON: a larger limit on that route only (the
  // general parser then finds the body already read).
  app.use(BULK_JSON_PATH, json({ limit: BULK_JSON_BODY_LIMIT, verify: verifyJsonDepth }));
  // application/*+json too: LTI Assignment and Grade Services send their own JSON media types.
  app.useBodyParser('json', {
    limit: JSON_BODY_LIMIT,
    verify: verifyJsonDepth,
    type: ['application/json', 'application/*+json'],
  });
  app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT, extended: false });
  if (cfg.corsOrigins.length > 0) {
    app.enableCors({ origin: cfg.corsOrigins, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 });
  }
  // After the body parsers, which would lose the asynchronous context (request-scope.ts).
  app.use(requestScopeMiddleware);

  applyGlobalPrefix(app);
  app.useGlobalPipes(new RejectNulPipe(), createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(errorStatus));
  // No global interceptor: Nest builds an rxjs chain and binds an async resource per global
  // interceptor and request. The envelope is applied as results are sent (the adapter); route
  // concerns (idempotency, raw responses) bring their interceptors with them.
  envelopingAdapterOf(app).setEnvelopeEnabled(cfg.responseEnvelope);

  if (cfg.apiDocsEnabled) setupOpenApi(app);
  return app;
}

/** The application's EnvelopingExpressAdapter; any other adapter is a start-up error. */
function envelopingAdapterOf(app: INestApplication): EnvelopingExpressAdapter {
  const adapter = app.getHttpAdapter();
  if (!(adapter instanceof EnvelopingExpressAdapter)) {
    throw new Error(
      'create the application with new EnvelopingExpressAdapter() (see app.setup.ts)',
    );
  }
  return adapter;
}

/**
 * `/api/v1` for every route but /metrics, /.well-known/jwks.json, the service info at `/` and
 * `/api/v1` (declared with their full paths), and /docs, which Swagger mounts outside it.
 */
export function applyGlobalPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'metrics', method: RequestMethod.GET },
      { path: JWKS_PATH, method: RequestMethod.GET },
      ...SERVICE_INFO_PATHS.map((path) => ({ path, method: RequestMethod.GET })),
    ],
  });
}

/** TRUST_PROXY: `true`/`false`, a hop count, or Express' list of trusted addresses/subnets. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
