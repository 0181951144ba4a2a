import { runCommand } from '../utils/run-command';
import { createEmptyDatabase, dropTestDatabase } from '../utils/test-database';

jest.setTimeout(120_000);

describe('seed (node dist/seed/seed) exit codes', () => {
  const databases: string[] = [];
  const seed = (env: Record<string, string>, ...args: string[]) =>
    runCommand(
      'seed/seed',
      { ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...env },
      args,
      60_000,
    );

  afterAll(async () => {
    for (const url of databases) await dropTestDatabase(url);
  });

  it('seeds an empty database (exit 0), then refuses it as not empty (exit 1, with advice)', async () => {
    const url = await createEmptyDatabase();
    databases.push(url);
    const first = await seed({ DATABASE_URL: url }, '--profile', 'demo');
    expect(first).toMatchObject({ code: 0, output: expect.stringContaining('demo seeded') });
    const again = await seed({ DATABASE_URL: url }, '--profile', 'demo');
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/not empty[\s\S]*createdb/);
  });

  it('exits 1 on a bad option', async () => {
    const result = await seed({}, '--profile', 'nonsense');
    expect(result.code).toBe(1);
  });
});
