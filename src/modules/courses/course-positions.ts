import { EntityManager } from 'typeorm';

/** Tables whose rows have 1-based positions, contiguous per course (unique, deferred). */
export type PositionedTable = 'lessons' | 'course_modules';

/**
 * Position bookkeeping shared by lessons and modules. Runs inside the caller's transaction, after
 * the course row was locked; the unique (course, position) constraints are deferred to commit, so
 * intermediate states may overlap. `table` is one of two constants, never input.
 */
export const coursePositions = {
  /** Makes room at `position`: the rows at or after it move down one place. */
  async openGap(
    manager: EntityManager,
    table: PositionedTable,
    courseId: string,
    position: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${table} SET position = position + 1 WHERE course_id = $1 AND position >= $2`,
      [courseId, position],
    );
  },

  /** Closes the gap a removed row left at `position`. */
  async closeGap(
    manager: EntityManager,
    table: PositionedTable,
    courseId: string,
    position: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${table} SET position = position - 1 WHERE course_id = $1 AND position > $2`,
      [courseId, position],
    );
  },

  /** Moves one row from `from` to `to`, shifting the ones in between. */
  async move(
    manager: EntityManager,
    table: PositionedTable,
    row: { id: string; courseId: string },
    from: number,
    to: number,
  ): Promise<void> {
    if (to === from) return;
    const [shift, low, high] = to < from ? ['+ 1', to, from - 1] : ['- 1', from + 1, to];
    await manager.query(
      `UPDATE ${table} SET position = position ${shift}
        WHERE course_id = $1 AND position BETWEEN $2 AND $3`,
      [row.courseId, low, high],
    );
    await manager.query(`UPDATE ${table} SET position = $2, updated_at = now() WHERE id = $1`, [
      row.id,
      to,
    ]);
  },

  /** Gives `ids` (every row of the course) the positions 1..n in that order. */
  async setOrder(
    manager: EntityManager,
    table: PositionedTable,
    courseId: string,
    ids: string[],
  ): Promise<void> {
    await manager.query(
      `UPDATE ${table} SET position = ordered.position, updated_at = now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS ordered(id, position)
        WHERE ${table}.id = ordered.id AND ${table}.course_id = $1`,
      [courseId, ids],
    );
  },
};
