import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Drops the template and every database cloned from it in this run. */
export default async function globalTeardown() {
  // Shared by the e2e and medium projects (see global-setup.mjs): the first call cleans up.
  if (globalThis.__LMS_TEST_TEARDOWN_DONE__) return;
  globalThis.__LMS_TEST_TEARDOWN_DONE__ = true;
  const server = process.env.LMS_TEST_PG_SERVER;
  const runId = process.env.LMS_TEST_RUN_ID;
  if (server && runId) {
    const { Client } = require('pg');
    const admin = new Client({ connectionString: `${server}/postgres` });
    await admin.connect();
    const { rows } = await admin.query(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
      [`lms_tpl_${runId}`, `lms_t_${runId}_%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.end();
  }
  await globalThis.__EMBEDDED_PG__?.stop();
}
