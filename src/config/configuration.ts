import { isAbsolute, resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { signingKeyPem } from './signing-key';
import { DEV_JWT_SECRET, EnvironmentVariables, NodeEnv, validateEnvironment } from './environment';

/**
 * Typed configuration namespaces. This folder is the only place that reads process.env:
 * every other class injects one of these with `@Inject(xConfig.KEY) cfg: ConfigType<typeof xConfig>`.
 */
const env = (): EnvironmentVariables => validateEnvironment(process.env);
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export const appConfig = registerAs('app', () => {
  const e = env();
  const nodeEnv: NodeEnv = e.NODE_ENV ?? 'development';
  const dataDir = e.DATA_DIR ?? './data';
  const port = e.PORT ?? 8000;
  const publicUrl = (e.APP_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    port,
    logLevel: e.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
    /** Base URL of this API (certificate verification links). */
    publicUrl,
    /** Base URL of the web app: links meant for people (mails: courses, password reset). */
    webUrl: (e.APP_WEB_URL ?? publicUrl).replace(/\/+$/, ''),
    responseEnvelope: e.RESPONSE_ENVELOPE_ENABLED ?? true,
    apiDocsEnabled: e.API_DOCS_ENABLED ?? nodeEnv !== 'production',
    corsOrigins: list(e.CORS_ORIGINS),
    trustedHosts: list(e.TRUSTED_HOSTS).map((h) => h.toLowerCase()),
    trustProxy: e.TRUST_PROXY ?? 'false',
    bootstrapAdmin:
      e.BOOTSTRAP_ADMIN_EMAIL && e.BOOTSTRAP_ADMIN_PASSWORD
        ? { email: e.BOOTSTRAP_ADMIN_EMAIL, password: e.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
  };
});

export const databaseConfig = registerAs('database', () => {
  const e = env();
  const production = e.NODE_ENV === 'production';
  return {
    url: e.DATABASE_URL,
    poolMax: e.DB_POOL_MAX ?? 10,
    statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS ?? 30_000,
    migrateOnStart: e.DB_MIGRATE_ON_START ?? !production,
    logging: e.DB_LOGGING ?? false,
    embeddedPort: e.EMBEDDED_DB_PORT ?? 54329,
  };
});

export const redisConfig = registerAs('redis', () => {
  const e = env();
  return {
    url: e.REDIS_URL,
    prefix: e.REDIS_PREFIX ?? 'lms',
  };
});

export const jobsConfig = registerAs('jobs', () => {
  const e = env();
  return {
    inline: e.JOBS_INLINE ?? !e.REDIS_URL,
    outboxPollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS ?? 1000,
  };
});

export const authConfig = registerAs('auth', () => {
  const e = env();
  return {
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    accessTokenTtlSeconds: 15 * 60,
    refreshTokenTtlSeconds: 30 * 24 * 3600,
    encryptionKey: e.DATA_ENCRYPTION_KEY ?? e.JWT_SECRET ?? DEV_JWT_SECRET,
    argon2MemoryCost: e.ARGON2_MEMORY_COST ?? 19_456,
    argon2TimeCost: e.ARGON2_TIME_COST ?? 2,
    loginMaxFailures: e.LOGIN_MAX_FAILURES ?? 5,
    loginLockSeconds: e.LOGIN_LOCK_SECONDS ?? 900,
  };
});

export const mailConfig = registerAs('mail', () => {
  const e = env();
  return {
    smtpUrl: e.SMTP_URL,
    from: e.MAIL_FROM ?? 'LMS <no-reply@localhost>',
  };
});

export const storageConfig = registerAs('storage', () => {
  const e = env();
  return {
    provider: e.STORAGE_PROVIDER ?? 'local',
    azureConnectionString: e.AZURE_STORAGE_CONNECTION_STRING,
    azureContainer: e.AZURE_STORAGE_CONTAINER ?? 'lms-files',
    maxUploadBytes: e.MAX_UPLOAD_BYTES ?? 100 * 1024 * 1024,
    allowedExtensions: list(
      e.ALLOWED_UPLOAD_EXTENSIONS ??
        'pdf,doc,docx,ppt,pptx,xls,xlsx,txt,md,csv,png,jpg,jpeg,gif,webp,mp4,webm,mov,mp3,zip',
    ).map((x) => x.toLowerCase()),
  };
});

export const rateLimitConfig = registerAs('rateLimit', () => {
  const e = env();
  return {
    enabled: e.RATE_LIMIT_ENABLED ?? true,
    defaultPerMinute: e.RATE_LIMIT_DEFAULT_PER_MIN ?? 100,
    authPerMinute: e.RATE_LIMIT_AUTH_PER_MIN ?? 60,
    uploadPerHour: e.RATE_LIMIT_UPLOAD_PER_HOUR ?? 100,
  };
});

export const webhooksConfig = registerAs('webhooks', () => {
  const e = env();
  return {
    allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? false,
    maxAttempts: e.WEBHOOK_MAX_ATTEMPTS ?? 8,
    backoffBaseMs: e.WEBHOOK_BACKOFF_BASE_MS ?? 5000,
  };
});

export const credentialsConfig = registerAs('credentials', () => {
  const e = env();
  return {
    /** PKCS#8 PEM of the Ed25519 issuer key; unset = a key generated and kept sealed in the database. */
    signingKeyPem: e.CREDENTIAL_SIGNING_KEY ? signingKeyPem(e.CREDENTIAL_SIGNING_KEY) : undefined,
    issuerName: e.CREDENTIAL_ISSUER_NAME ?? 'LMS',
  };
});

export const xapiConfig = registerAs('xapi', () => {
  const e = env();
  return {
    /** The LRS base URL (statements go to `{endpoint}/statements`); unset = nothing is sent. */
    endpoint: e.XAPI_LRS_ENDPOINT?.replace(/\/+$/, ''),
    username: e.XAPI_LRS_USERNAME,
    password: e.XAPI_LRS_PASSWORD,
  };
});

export const ltiConfig = registerAs('lti', () => {
  const e = env();
  return {
    /** Fetch tool key sets (JWKS URLs) on private/loopback addresses too (tests, intranets). */
    allowPrivateTargets: e.LTI_ALLOW_PRIVATE_TARGETS ?? false,
  };
});

export const observabilityConfig = registerAs('observability', () => {
  const e = env();
  return {
    metricsEnabled: e.METRICS_ENABLED ?? true,
    metricsToken: e.METRICS_TOKEN,
    sentryDsn: e.SENTRY_DSN,
    workerHealthPort: e.WORKER_HEALTH_PORT,
  };
});

export const ALL_CONFIG = [
  appConfig,
  databaseConfig,
  redisConfig,
  jobsConfig,
  authConfig,
  mailConfig,
  storageConfig,
  rateLimitConfig,
  webhooksConfig,
  credentialsConfig,
  xapiConfig,
  ltiConfig,
  observabilityConfig,
];
