// Defaults for every e2e test file, applied before any module is imported.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.RATE_LIMIT_ENABLED = 'false';
process.env.ARGON2_MEMORY_COST = '1024';
process.env.ARGON2_TIME_COST = '1';
process.env.OUTBOX_POLL_INTERVAL_MS = '100';
process.env.DB_POOL_MAX = '4';
