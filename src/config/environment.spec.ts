import { generateKeyPairSync } from 'node:crypto';
import { ConfigValidationError, DEV_JWT_SECRET, validateEnvironment } from './environment';

const STRONG_SECRET = 'Qm7vT2xL9pR4sW8zK1nB6cY3hJ5dF0gA-e_u';
const OTHER_STRONG_SECRET = 'Zx9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0Ed-Cb_a';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: STRONG_SECRET,
  DATA_ENCRYPTION_KEY: OTHER_STRONG_SECRET,
  METRICS_TOKEN: 'metrics-token-0123456789',
  DATABASE_URL: 'postgres://lms:pw@db:5432/lms',
  REDIS_URL: 'redis://redis:6379',
};
/** 32 characters, but only 7 distinct ones. */
const LOW_ENTROPY_SECRET = 'changeme'.repeat(4);

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('validateEnvironment', () => {
  it('accepts an empty environment (development defaults)', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('converts numbers and booleans', () => {
    const env = validateEnvironment({
      PORT: '9000',
      RATE_LIMIT_ENABLED: 'false',
      JOBS_INLINE: '1',
    });
    expect(env.PORT).toBe(9000);
    expect(env.RATE_LIMIT_ENABLED).toBe(false);
    expect(env.JOBS_INLINE).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['NODE_ENV', 'prod'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://redis'],
    ['RATE_LIMIT_ENABLED', 'maybe'],
    ['STORAGE_PROVIDER', 's3'],
    ['ALLOWED_UPLOAD_EXTENSIONS', 'pdf,,exe/'],
    ['APP_PUBLIC_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['CREDENTIAL_SIGNING_KEY', 'not a pem'],
    [
      'CREDENTIAL_SIGNING_KEY',
      generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    ],
    ['CREDENTIAL_SIGNING_KEY', '-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----'],
    ['XAPI_LRS_ENDPOINT', 'lrs.example.com'],
    ['XAPI_LRS_PASSWORD', 'only-the-password'],
  ])('names %s when it is invalid (%s)', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('accepts an Ed25519 PKCS#8 PEM as CREDENTIAL_SIGNING_KEY, with newlines or \\n', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(problemsOf({ CREDENTIAL_SIGNING_KEY: pem })).toEqual([]);
    expect(problemsOf({ CREDENTIAL_SIGNING_KEY: pem.replace(/\n/g, '\\n') })).toEqual([]);
  });

  it('lists every invalid variable at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });

  it('refuses JOBS_INLINE=false without Redis, since jobs would never run', () => {
    expect(problemsOf({ JOBS_INLINE: 'false' })).toEqual([
      expect.stringMatching(/^JOBS_INLINE: .*REDIS_URL/),
    ]);
  });

  it('refuses a JWT_SECRET shorter than 32 characters in any environment', () => {
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
  });

  it('requires the Azure connection string with STORAGE_PROVIDER=azure', () => {
    expect(problemsOf({ STORAGE_PROVIDER: 'azure' })).toEqual([
      expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING: /),
    ]);
  });

  describe.each(['development', 'test'])('in %s', (nodeEnv) => {
    it('runs on the built-in development secret when JWT_SECRET is unset', () => {
      expect(problemsOf({ NODE_ENV: nodeEnv })).toEqual([]);
    });
  });

  describe('in staging (any environment but development and test)', () => {
    it('accepts a random secret', () => {
      expect(problemsOf({ NODE_ENV: 'staging', JWT_SECRET: STRONG_SECRET })).toEqual([]);
    });

    it('accepts a hex secret that happens to miss some of the 16 hex digits', () => {
      const hex = '0123456789abc'.repeat(5); // 65 characters, 13 distinct
      expect(problemsOf({ NODE_ENV: 'staging', JWT_SECRET: hex })).toEqual([]);
    });

    it.each([
      ['unset', undefined],
      ['the built-in development secret', DEV_JWT_SECRET],
      ['a secret of 32 characters with fewer than 10 distinct ones', LOW_ENTROPY_SECRET],
    ])('refuses a JWT_SECRET that is %s', (_label, secret) => {
      const env: Record<string, string> = { NODE_ENV: 'staging' };
      if (secret !== undefined) env.JWT_SECRET = secret;
      expect(problemsOf(env)).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
    });

    it('refuses a low-entropy DATA_ENCRYPTION_KEY', () => {
      const env = {
        NODE_ENV: 'staging',
        JWT_SECRET: STRONG_SECRET,
        DATA_ENCRYPTION_KEY: LOW_ENTROPY_SECRET,
      };
      expect(problemsOf(env)).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEY: /)]);
    });
  });

  it('names AZURE_STORAGE_CONNECTION_STRING when it is a placeholder, never its value', () => {
    const problems = problemsOf({
      STORAGE_PROVIDER: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: 'REPLACE_ME',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING: must be an Azure Storage/),
    ]);
    expect(problems[0]).not.toContain('REPLACE_ME');
  });

  it("applies the API's password rule to BOOTSTRAP_ADMIN_PASSWORD", () => {
    expect(
      problemsOf({
        BOOTSTRAP_ADMIN_EMAIL: 'a@example.com',
        BOOTSTRAP_ADMIN_PASSWORD: 'lettersonly',
      }),
    ).toEqual([expect.stringMatching(/^BOOTSTRAP_ADMIN_PASSWORD: .*letter and a digit/)]);
  });

  describe('in production', () => {
    it('accepts a complete configuration', () => {
      expect(problemsOf(PRODUCTION)).toEqual([]);
    });

    it.each([
      ['JWT_SECRET', { JWT_SECRET: undefined }],
      ['JWT_SECRET', { JWT_SECRET: DEV_JWT_SECRET }],
      ['JWT_SECRET', { JWT_SECRET: 'too-short-secret' }],
      ['JWT_SECRET', { JWT_SECRET: LOW_ENTROPY_SECRET }],
      ['DATA_ENCRYPTION_KEY', { DATA_ENCRYPTION_KEY: undefined }],
      ['DATA_ENCRYPTION_KEY', { DATA_ENCRYPTION_KEY: STRONG_SECRET }],
      ['METRICS_TOKEN', { METRICS_TOKEN: undefined }],
      ['DATABASE_URL', { DATABASE_URL: undefined }],
      ['REDIS_URL', { REDIS_URL: undefined }],
      ['JOBS_INLINE', { JOBS_INLINE: 'true' }],
    ])('refuses to start and names %s', (name, change) => {
      const env = { ...PRODUCTION, ...change } as Record<string, string>;
      for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
      const problems = problemsOf(env);
      expect(problems.some((p) => p.startsWith(`${name}: `))).toBe(true);
    });

    it('accepts metrics without a token only when they are off (METRICS_ENABLED=false)', () => {
      const env: Record<string, string> = { ...PRODUCTION, METRICS_ENABLED: 'false' };
      delete env.METRICS_TOKEN;
      expect(problemsOf(env)).toEqual([]);
    });

    it('explains the problem in the error message', () => {
      expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(
        /Invalid configuration:\n.*JWT_SECRET: .*\n.*DATABASE_URL: is required in production/s,
      );
    });
  });
});
