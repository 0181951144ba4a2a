import { completesSql, progressSql } from '../../src/modules/enrollments/progress';
import { createMediumContext, MediumContext } from './medium-context';

/** The progress rule as PostgreSQL evaluates it (it is only ever computed in SQL). */
describe('course progress (medium: the SQL rule on PostgreSQL)', () => {
  let ctx: MediumContext;

  beforeAll(async () => {
    ctx = await createMediumContext([]);
  });
  afterAll(() => ctx?.close());

  async function evaluate(done: number, total: number) {
    const [row] = await ctx.dataSource.query<Array<{ progress: string; completes: boolean }>>(
      `SELECT ${progressSql('$1::int', '$2::int')}::numeric(5, 2) AS progress,
              ${completesSql('$1::int', '$2::int')} AS completes`,
      [done, total],
    );
    return { progress: Number(row.progress), completes: row.completes };
  }

  it.each([
    [0, 3, 0, false],
    [1, 3, 33.33, false],
    [2, 3, 66.67, false],
    [3, 3, 100, true],
    [1, 8, 12.5, false],
    [1, 6, 16.67, false],
    [5, 7, 71.43, false],
    [1, 800, 0.13, false],
    [0, 0, 0, false],
  ])('%i of %i lessons is %d %% (complete: %s)', async (done, total, progress, completes) => {
    expect(await evaluate(done, total)).toEqual({ progress, completes });
  });

  it('never exceeds 100 when counts disagree for a moment, and counts as complete', async () => {
    expect(await evaluate(4, 3)).toEqual({ progress: 100, completes: true });
  });
});
