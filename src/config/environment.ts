import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { azureConnectionStringProblem } from './azure-connection-string';
import { signingKeyProblem } from './signing-key';

export const NODE_ENVS = ['development', 'test', 'staging', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** The secret used when JWT_SECRET is unset in development and test; other environments refuse it. */
export const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me-0000';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
};
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;

const URL_OPTIONS = { require_tld: false, require_protocol: true };

/**
 * Every environment variable the API and the worker read, with its rule.
 * Defaults are applied in the config namespaces (config/*.config.ts), not here,
 * so that "unset" stays distinguishable where it matters (DATABASE_URL, REDIS_URL).
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(NODE_ENVS) NODE_ENV?: NodeEnv;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\//, {
    message: 'must be a postgres:// URL',
  })
  DATABASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DB_POOL_MAX?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) DB_STATEMENT_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() DB_MIGRATE_ON_START?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() DB_LOGGING?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(65535) EMBEDDED_DB_PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\//, {
    message: 'must be a redis:// or rediss:// URL',
  })
  REDIS_URL?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1-64 of A-Z a-z 0-9 : _ -' })
  REDIS_PREFIX?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() JOBS_INLINE?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) OUTBOX_POLL_INTERVAL_MS?: number;

  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;
  @IsOptional() @IsString() JWT_SECRET?: string;
  @IsOptional() @IsString() @MinLength(32) DATA_ENCRYPTION_KEY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) ARGON2_MEMORY_COST?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) ARGON2_TIME_COST?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\//, {
    message: 'must be an smtp:// or smtps:// URL',
  })
  SMTP_URL?: string;
  @IsOptional() @IsString() MAIL_FROM?: string;

  @IsOptional() @IsIn(['local', 'azure']) STORAGE_PROVIDER?: 'local' | 'azure';
  @IsOptional() @IsString() AZURE_STORAGE_CONNECTION_STRING?: string;
  @IsOptional()
  @Matches(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, {
    message: 'must be a valid Azure container name',
  })
  AZURE_STORAGE_CONTAINER?: string;

  @IsOptional() @Transform(toBool) @IsBoolean() RESPONSE_ENVELOPE_ENABLED?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() RATE_LIMIT_ENABLED?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_DEFAULT_PER_MIN?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_AUTH_PER_MIN?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_UPLOAD_PER_HOUR?: number;
  @IsOptional() @IsString() TRUST_PROXY?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_FAILURES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_LOCK_SECONDS?: number;

  @IsOptional() @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_PRIVATE_TARGETS?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() LTI_ALLOW_PRIVATE_TARGETS?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50) WEBHOOK_MAX_ATTEMPTS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) WEBHOOK_BACKOFF_BASE_MS?: number;

  @IsOptional() @Transform(emptyToUndefined) @IsString() CREDENTIAL_SIGNING_KEY?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) CREDENTIAL_ISSUER_NAME?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsUrl(URL_OPTIONS) XAPI_LRS_ENDPOINT?: string;
  @IsOptional() @IsString() XAPI_LRS_USERNAME?: string;
  @IsOptional() @IsString() XAPI_LRS_PASSWORD?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) MAX_UPLOAD_BYTES?: number;
  @IsOptional()
  @Matches(/^[a-z0-9]+(,[a-z0-9]+)*$/i, {
    message: 'must be a comma-separated list of extensions, e.g. pdf,png',
  })
  ALLOWED_UPLOAD_EXTENSIONS?: string;

  @IsOptional() @IsUrl(URL_OPTIONS) APP_PUBLIC_URL?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) APP_WEB_URL?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() METRICS_ENABLED?: boolean;
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() API_DOCS_ENABLED?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) WORKER_HEALTH_PORT?: number;

  @IsOptional() @IsEmail() BOOTSTRAP_ADMIN_EMAIL?: string;
  // The API's password rule (users/dto/password.rules.ts): an admin who can log in.
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  @Matches(/^(?=.*[A-Za-z])(?=.*\d)/, { message: 'must contain a letter and a digit' })
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @IsString() TRUSTED_HOSTS?: string;
  @IsOptional() @IsString() SENTRY_DSN?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) VAULT_ADDR?: string;
  @IsOptional() @IsString() VAULT_TOKEN?: string;
  @IsOptional() @IsString() VAULT_SECRET_PATH?: string;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const reasons = Object.values(error.constraints ?? {}).map((m) =>
      m.replace(new RegExp(`^${error.property} `), ''),
    );
    return `${error.property}: ${reasons.join('; ')}`;
  });
}

/** Environments that may run on the built-in development secret. */
const RELAXED_ENVS: readonly NodeEnv[] = ['development', 'test'];
/**
 * A secret with fewer distinct characters than this is refused outside development and test: it
 * catches repeated words (`changeme` x4 has 7) without refusing real random secrets. Hex secrets
 * (`openssl rand -hex 32`) draw from 16 characters, and a random 64-character one lacks at least
 * one of them about a quarter of the time, so 16 would refuse good secrets.
 */
export const MIN_DISTINCT_SECRET_CHARS = 10;

/** Why `value` is not a usable secret outside development and test, or undefined. */
function weakSecret(value: string): string | undefined {
  if (value === DEV_JWT_SECRET) return 'must not be the built-in development secret';
  if (value.length < 32) return 'must be at least 32 characters';
  if (new Set(value).size < MIN_DISTINCT_SECRET_CHARS) {
    return `must be random: at least ${MIN_DISTINCT_SECRET_CHARS} distinct characters`;
  }
  return undefined;
}

/** Outside development and test: no default or guessable secrets. */
function secretProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (!env.JWT_SECRET) {
    problems.push('JWT_SECRET: must be set to a random secret of at least 32 characters');
  } else {
    const weak = weakSecret(env.JWT_SECRET);
    if (weak) problems.push(`JWT_SECRET: ${weak}`);
  }
  if (env.DATA_ENCRYPTION_KEY) {
    const weak = weakSecret(env.DATA_ENCRYPTION_KEY);
    if (weak) problems.push(`DATA_ENCRYPTION_KEY: ${weak}`);
  }
  return problems;
}

function productionProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (!env.DATA_ENCRYPTION_KEY) {
    problems.push(
      'DATA_ENCRYPTION_KEY: is required in production (a key of its own, not JWT_SECRET)',
    );
  } else if (env.DATA_ENCRYPTION_KEY === env.JWT_SECRET) {
    problems.push('DATA_ENCRYPTION_KEY: must differ from JWT_SECRET');
  }
  if (env.METRICS_ENABLED !== false && !env.METRICS_TOKEN) {
    problems.push('METRICS_TOKEN: is required in production unless METRICS_ENABLED=false');
  }
  if (!env.DATABASE_URL) problems.push('DATABASE_URL: is required in production');
  if (!env.REDIS_URL) problems.push('REDIS_URL: is required in production');
  if (env.JOBS_INLINE === true) {
    problems.push('JOBS_INLINE: must not be true in production (run the worker instead)');
  }
  return problems;
}

function consistencyProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (env.JOBS_INLINE === false && !env.REDIS_URL) {
    problems.push('JOBS_INLINE: false needs REDIS_URL (jobs go through BullMQ on Redis)');
  }
  if (env.STORAGE_PROVIDER === 'azure') {
    const connection = env.AZURE_STORAGE_CONNECTION_STRING;
    const problem = connection
      ? azureConnectionStringProblem(connection)
      : 'is required when STORAGE_PROVIDER=azure';
    if (problem) problems.push(`AZURE_STORAGE_CONNECTION_STRING: ${problem}`);
  }
  if (Boolean(env.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(env.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_PASSWORD: set both BOOTSTRAP_ADMIN_EMAIL and the password');
  }
  if (env.CREDENTIAL_SIGNING_KEY) {
    const problem = signingKeyProblem(env.CREDENTIAL_SIGNING_KEY);
    if (problem) problems.push(`CREDENTIAL_SIGNING_KEY: ${problem}`);
  }
  if (Boolean(env.XAPI_LRS_USERNAME) !== Boolean(env.XAPI_LRS_PASSWORD)) {
    problems.push('XAPI_LRS_PASSWORD: set both XAPI_LRS_USERNAME and the password, or neither');
  }
  if (env.JWT_SECRET !== undefined && env.JWT_SECRET.length < 32) {
    problems.push('JWT_SECRET: must be at least 32 characters');
  }
  return problems;
}

/** Validates the raw environment once; throws a ConfigValidationError naming each bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const problems = describe(validateSync(env, { skipMissingProperties: false }));
  problems.push(...consistencyProblems(env));
  const nodeEnv = env.NODE_ENV ?? 'development';
  // An invalid NODE_ENV is reported above; the rules of an environment apply to valid ones only.
  if (NODE_ENVS.includes(nodeEnv) && !RELAXED_ENVS.includes(nodeEnv)) {
    problems.push(...secretProblems(env));
  }
  if (nodeEnv === 'production') problems.push(...productionProblems(env));
  if (problems.length > 0) throw new ConfigValidationError([...new Set(problems)]);
  return env;
}
