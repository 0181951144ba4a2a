import { isoOf, isoTimestampSql } from '../../src/database/sql-timestamps';
import { createMediumContext, MediumContext } from './medium-context';

/**
 * `isoTimestampSql` on PostgreSQL against what every other path does (the driver's Date, then
 * `toISOString()`): the catalogue's timestamps must be the same text as a course read by id.
 */
describe('isoTimestampSql (medium: PostgreSQL formats instants as toISOString does)', () => {
  let ctx: MediumContext;

  beforeAll(async () => {
    ctx = await createMediumContext([]);
  });
  afterAll(() => ctx?.close());

  it.each([
    '2026-11-29 15:19:59.942+00',
    '2026-11-29 15:19:59.942999+00', // microseconds are truncated by both, not rounded
    '2026-11-29 15:19:59.000001+00',
    '2026-11-29 15:19:59+00',
    '2026-03-29 02:30:00.5+02', // an offset other than UTC
    '1969-12-31 23:59:59.999999+00', // before the epoch
    '2000-02-29 00:00:00.123456-05:30',
  ])('%s', async (text) => {
    const [row] = await ctx.dataSource.query<Array<{ asDate: Date; asText: string }>>(
      `SELECT $1::timestamptz AS "asDate", ${isoTimestampSql('$1::timestamptz')} AS "asText"`,
      [text],
    );
    expect(row.asText).toBe(row.asDate.toISOString());
    expect(isoOf(row.asText)).toBe(isoOf(row.asDate));
  });

  it('keeps NULL as NULL', async () => {
    const [row] = await ctx.dataSource.query<Array<{ asText: string | null }>>(
      `SELECT ${isoTimestampSql('NULL::timestamptz')} AS "asText"`,
    );
    expect(row.asText).toBeNull();
  });

  it('is independent of the session time zone', async () => {
    await ctx.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL TIME ZONE 'Asia/Kolkata'`);
      const [row] = await manager.query<Array<{ asText: string }>>(
        `SELECT ${isoTimestampSql(`'2026-01-01 00:00:00.250+00'::timestamptz`)} AS "asText"`,
      );
      expect(row.asText).toBe('2026-01-01T00:00:00.250Z');
    });
  });
});
