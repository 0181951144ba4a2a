import { Client } from 'pg';
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

  it('seeds the scale profile with its gradebook course (a small run)', async () => {
    const url = await createEmptyDatabase();
    databases.push(url);
    const result = await seed(
      { DATABASE_URL: url },
      ...['--profile', 'scale', '--students', '30', '--courses', '3', '--lessons', '2'],
      ...['--gradebook-students', '12'],
    );
    expect(result).toMatchObject({ code: 0, output: expect.stringContaining('gradebook course') });
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<Record<string, number>>(
        `WITH c AS (SELECT id FROM courses WHERE slug = 'scale-gradebook')
         SELECT (SELECT count(*)::int FROM enrollments WHERE course_id = (SELECT id FROM c)) AS students,
                (SELECT count(*)::int FROM quizzes WHERE course_id = (SELECT id FROM c) AND is_published) AS quizzes,
                (SELECT count(*)::int FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
                  WHERE q.course_id = (SELECT id FROM c) AND a.status = 'submitted'
                    AND a.score BETWEEN 0 AND a.max_score) AS attempts,
                (SELECT count(DISTINCT (a.quiz_id, a.student_id))::int FROM quiz_attempts a
                   JOIN quizzes q ON q.id = a.quiz_id WHERE q.course_id = (SELECT id FROM c)) AS pairs,
                (SELECT count(*)::int FROM assignments WHERE course_id = (SELECT id FROM c) AND is_published) AS assignments,
                (SELECT count(*)::int FROM submissions s JOIN assignments a ON a.id = s.assignment_id
                  WHERE a.course_id = (SELECT id FROM c) AND s.status = 'graded' AND s.version = 1
                    AND s.final_score = CASE WHEN s.late THEN round(s.score * 0.9, 2) ELSE s.score END
                    AND s.final_score <= a.max_points) AS graded`,
      );
      expect(rows[0]).toEqual({
        students: 12,
        quizzes: 20,
        attempts: 12 * 20 * 3,
        pairs: 12 * 20,
        assignments: 10,
        graded: 12 * 10,
      });
    } finally {
      await db.end();
    }
  });

  it('exits 1 on a bad option', async () => {
    const result = await seed({}, '--profile', 'nonsense');
    expect(result.code).toBe(1);
  });
});
