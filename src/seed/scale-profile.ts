import { DataSource, QueryRunner } from 'typeorm';
import { assertEmpty } from './empty-database';
import type { ScaleOptions } from './seed-options';
import { StepReporter, StepTiming } from './step-reporter';

/**
 * The `scale` profile: benchmark volumes generated inside PostgreSQL, a few INSERT ... SELECT
 * statements over generate_series, in ONE transaction on one connection (the temp tables that
 * tie the steps together live in that session, and a failure leaves the database empty, so the
 * run can simply be repeated). Random draws use a fixed setseed, so that the same options give
 * the same distribution; ids are gen_random_uuid().
 */

export const SCALE_DOMAIN = 'scale.example.com';
export const BIG_COURSE_SLUG = 'scale-course-1';
/** The gradebook course: G students, GRADEBOOK_QUIZZES quizzes, GRADEBOOK_ASSIGNMENTS assignments. */
export const GRADEBOOK_COURSE_SLUG = 'scale-gradebook';
export const GRADEBOOK_QUIZZES = 20;
export const GRADEBOOK_ATTEMPTS = 3;
export const GRADEBOOK_ASSIGNMENTS = 10;
const ASSIGNMENT_POINTS = 50;

/**
 * One question of each type; the score expression below is built from these points. The HTTP
 * bench creates its quiz from the same questions.
 */
export const SCALE_QUESTIONS = [
  {
    type: 'multiple_choice',
    text: 'Which statement creates an index without blocking writes?',
    options: ['CREATE INDEX', 'CREATE INDEX CONCURRENTLY', 'REINDEX'],
    answer: 'CREATE INDEX CONCURRENTLY',
    points: 3,
  },
  {
    type: 'multiple_select',
    text: 'Which of these are aggregate functions?',
    options: ['count', 'avg', 'lower', 'sum'],
    answer: ['count', 'avg', 'sum'],
    points: 4,
  },
  {
    type: 'true_false',
    text: 'Every index makes writes to its table a little slower.',
    options: null,
    answer: true,
    points: 1,
  },
  {
    type: 'short_answer',
    text: 'Which clause filters the groups of a GROUP BY?',
    options: null,
    answer: ['having'],
    points: 2,
  },
] as const;

const MAX_SCORE = SCALE_QUESTIONS.reduce((sum, question) => sum + question.points, 0);
const QUIZ_MINUTES = 30;
const PASSING_PERCENTAGE = 70;

export interface ScaleResult {
  bigCourseId: string;
  gradebookCourseId: string;
  counts: Record<string, number>;
  bigCourse: { enrollments: number; completed: number; progressRows: number; lessons: number };
  timings: StepTiming[];
  totalSeconds: number;
}

/** Instructors: one per 4 courses, at least 2, at most 10. */
const instructorCount = (courses: number) => Math.min(10, Math.max(2, Math.ceil(courses / 4)));

async function affected(runner: QueryRunner, sql: string, parameters: unknown[] = []) {
  const result = (await runner.query(sql, parameters, true)) as { affected?: number };
  return result.affected ?? 0;
}

/** Temp table of the students with their random traits (reused by several steps). */
async function insertStudents(runner: QueryRunner, o: ScaleOptions, hash: string) {
  await runner.query(
    `CREATE TEMP TABLE seed_student ON COMMIT DROP AS
     SELECT i, gen_random_uuid() AS id,
            now() - (1 + random() * 364) * interval '1 day' AS created_at,
            0.25 + 0.7 * random() AS skill
       FROM generate_series(1, $1::int) AS i`,
    [o.students],
  );
  await runner.query('ANALYZE seed_student');
  return affected(
    runner,
    `INSERT INTO users (id, email, password_hash, full_name, role, email_verified_at,
                        tokens_valid_after, created_at, updated_at)
     SELECT id, 'student' || i || '@${SCALE_DOMAIN}', $1, 'Student ' || i, 'student', created_at,
            created_at, created_at, created_at
       FROM seed_student`,
    [hash],
  );
}

async function insertStaff(runner: QueryRunner, o: ScaleOptions, hash: string) {
  return affected(
    runner,
    `INSERT INTO users (email, password_hash, full_name, role, email_verified_at,
                        tokens_valid_after, created_at, updated_at)
     SELECT email, $1, full_name, role, t, t, t, t
       FROM (SELECT now() - interval '400 days' AS t) AS created,
            (SELECT 'admin@${SCALE_DOMAIN}' AS email, 'Scale Admin' AS full_name, 'admin' AS role
             UNION ALL
             SELECT 'instructor' || k || '@${SCALE_DOMAIN}', 'Instructor ' || k, 'instructor'
               FROM generate_series(1, $2::int) AS k) AS staff`,
    [hash, instructorCount(o.courses)],
  );
}

/** Course 1 is the big course, with 2P lessons; the others have L. */
async function insertCourses(runner: QueryRunner, o: ScaleOptions) {
  await runner.query(
    `CREATE TEMP TABLE seed_course ON COMMIT DROP AS
     SELECT n, gen_random_uuid() AS id,
            CASE WHEN n = 1 THEN $2::int ELSE $3::int END AS lessons,
            (SELECT id FROM users
              WHERE email = 'instructor' || (1 + (n - 1) % $4::int) || '@${SCALE_DOMAIN}') AS instructor_id,
            now() - interval '400 days' + (n % 20) * interval '1 day' AS created_at
       FROM generate_series(1, $1::int) AS n`,
    [o.courses, 2 * o.progressPerStudent, o.lessons, instructorCount(o.courses)],
  );
  return affected(
    runner,
    `INSERT INTO courses (id, title, slug, description, category, difficulty_level, is_published,
                          published_at, estimated_duration_minutes, instructor_id, created_at,
                          updated_at)
     SELECT id, CASE WHEN n = 1 THEN 'Scale course 1 (big course)' ELSE 'Scale course ' || n END,
            'scale-course-' || n, 'Generated by the scale seed for benchmarks.',
            (ARRAY['programming', 'data', 'design', 'business'])[1 + n % 4],
            (ARRAY['beginner', 'intermediate', 'advanced'])[1 + n % 3],
            true, created_at + interval '1 day', lessons * 15, instructor_id, created_at, created_at
       FROM seed_course`,
  );
}

function insertLessons(runner: QueryRunner) {
  return affected(
    runner,
    `INSERT INTO lessons (course_id, title, content, content_type, duration_minutes, position,
                          created_at, updated_at)
     SELECT c.id, 'Lesson ' || p, 'Lesson ' || p || ' of ' || c.lessons || '.', 'text', 15, p,
            c.created_at, c.created_at
       FROM seed_course c, generate_series(1, c.lessons) AS p`,
  );
}

/**
 * Every student in the big course, and in 0-4 other courses (2 on average), so that the big
 * course is a third of all enrollments and a minority of lesson_progress, as on a real platform:
 * plans that would read whole tables show up as slow. Each enrollment draws how many lessons it
 * completed (uniform 0..total: the big course's mean is P); `r_finish` places the last activity
 * (the completion, when all lessons are done) between enrollment and now; `r_quiz` and
 * `r_status` decide its quiz attempts.
 */
async function insertEnrollments(runner: QueryRunner, o: ScaleOptions) {
  await runner.query(
    `CREATE TEMP TABLE seed_enrollment ON COMMIT DROP AS
     WITH picks AS (
       SELECT s.id AS student_id, s.created_at AS joined, 1 AS course_n FROM seed_student s
       UNION ALL
       SELECT s.id, s.created_at, 2 + (s.i * 7 + j) % ($1::int - 1)
         FROM seed_student s, generate_series(1, least($1::int - 1, s.i % 5)) AS j
     )
     SELECT gen_random_uuid() AS id, p.student_id, c.id AS course_id, c.n AS course_n,
            c.lessons AS total,
            floor(random() * (c.lessons + 1))::int AS done,
            p.joined + random() * (now() - p.joined) / 2 AS enrolled_at,
            0.05 + 0.9 * random() AS r_finish,
            random() AS r_quiz,
            random() AS r_status
       FROM picks p JOIN seed_course c ON c.n = p.course_n`,
    [o.courses],
  );
  await runner.query('ANALYZE seed_enrollment');
  // progress_percentage follows progressSql() in enrollments/progress.ts.
  return affected(
    runner,
    `INSERT INTO enrollments (id, student_id, course_id, status, enrolled_at, completed_at,
                              progress_percentage, completed_lessons, created_at, updated_at)
     SELECT id, student_id, course_id,
            CASE WHEN done = total THEN 'completed' ELSE 'active' END,
            enrolled_at,
            CASE WHEN done = total THEN enrolled_at + r_finish * (now() - enrolled_at) END,
            round(done * 100.0 / total, 2), done, enrolled_at,
            enrolled_at + r_finish * (now() - enrolled_at)
       FROM seed_enrollment`,
  );
}

/** The first `done` lessons of each enrollment, spread evenly up to its last activity. */
function insertProgress(runner: QueryRunner) {
  return affected(
    runner,
    `INSERT INTO lesson_progress (enrollment_id, lesson_id, completed, completed_at)
     SELECT e.id, l.id, true,
            e.enrolled_at + (l.position::float8 / e.done) * e.r_finish * (now() - e.enrolled_at)
       FROM seed_enrollment e
       JOIN lessons l ON l.course_id = e.course_id AND l.position <= e.done`,
  );
}

/** A published quiz per course, with one question of each type (not tied to a lesson). */
async function insertQuizzes(runner: QueryRunner) {
  await runner.query(
    `CREATE TEMP TABLE seed_quiz ON COMMIT DROP AS
     SELECT n, id AS course_id, gen_random_uuid() AS id, created_at + interval '2 days' AS created_at
       FROM seed_course`,
  );
  const quizzes = await affected(
    runner,
    `INSERT INTO quizzes (id, course_id, title, description, time_limit_minutes,
                          passing_score_percentage, max_attempts, is_published, created_at,
                          updated_at)
     SELECT id, course_id, 'Final quiz', 'One question of each type.', $1::int, $2::int, 3, true,
            created_at, created_at
       FROM seed_quiz`,
    [QUIZ_MINUTES, PASSING_PERCENTAGE],
  );
  const questions = await affected(
    runner,
    `INSERT INTO questions (quiz_id, text, type, options, correct_answer, points, position,
                            created_at, updated_at)
     SELECT q.id, t.text, t.type, t.options, t.correct_answer, t.points, t.position,
            q.created_at, q.created_at
       FROM seed_quiz q,
            jsonb_to_recordset($1::jsonb)
              AS t(position int, text text, type text, options jsonb, correct_answer jsonb, points int)`,
    [JSON.stringify(questionRows())],
  );
  return quizzes + questions;
}

/** SCALE_QUESTIONS as rows of the questions table (positions from 1). */
function questionRows() {
  return SCALE_QUESTIONS.map((question, index) => ({
    position: index + 1,
    text: question.text,
    type: question.type,
    options: question.options,
    correct_answer: question.answer,
    points: question.points,
  }));
}

/**
 * Quiz attempts: 60 % of the big course's enrollments try its quiz once, 10 % of them twice; 30 %
 * and 5 % in the other courses. Each question is right with the student's `skill` (a retake a
 * little more often), so scores spread over every bucket. The latest attempt is sometimes
 * expired or still in progress. MATERIALIZED keeps each random draw evaluated once per row
 * although the outer query reads it several times.
 */
function insertAttempts(runner: QueryRunner) {
  const score = SCALE_QUESTIONS.map(
    (question) => `${question.points} * (random() < s.skill + 0.15 * (k - 1))::int`,
  ).join(' + ');
  return affected(
    runner,
    `INSERT INTO quiz_attempts (quiz_id, student_id, enrollment_id, attempt_number, status,
                                started_at, expires_at, submitted_at, question_order, score,
                                max_score, percentage, passed, created_at, updated_at)
     WITH quiz AS MATERIALIZED (
       SELECT q.n, q.id, (SELECT jsonb_agg(id ORDER BY position) FROM questions
                           WHERE quiz_id = q.id) AS question_order
         FROM seed_quiz q
     ), tries AS MATERIALIZED (
       SELECT e.course_n, e.student_id, e.id AS enrollment_id, k AS attempt_number,
              CASE WHEN k = n.attempts AND e.r_status < 0.03 THEN 'in_progress'
                   WHEN k = n.attempts AND e.r_status < 0.08 THEN 'expired'
                   ELSE 'submitted' END AS status,
              CASE WHEN k = n.attempts AND e.r_status < 0.03
                   THEN now() - e.r_status * interval '100 minutes'
                   ELSE e.enrolled_at + 0.3 * k * (now() - e.enrolled_at) END AS started_at,
              (5 + 20 * random()) * interval '1 minute' AS duration,
              ${score} AS score
         FROM seed_enrollment e
         JOIN seed_student s ON s.id = e.student_id
         CROSS JOIN LATERAL (
           SELECT CASE WHEN e.r_quiz < CASE WHEN e.course_n = 1 THEN 0.1 ELSE 0.05 END THEN 2
                       WHEN e.r_quiz < CASE WHEN e.course_n = 1 THEN 0.6 ELSE 0.3 END THEN 1
                       ELSE 0 END AS attempts) AS n
         CROSS JOIN generate_series(1, n.attempts) AS k
     )
     SELECT quiz.id, t.student_id, t.enrollment_id, t.attempt_number, t.status, t.started_at,
            t.started_at + $1::int * interval '1 minute',
            CASE WHEN t.status = 'submitted' THEN t.started_at + t.duration END,
            quiz.question_order,
            CASE t.status WHEN 'submitted' THEN t.score WHEN 'expired' THEN 0 END,
            CASE WHEN t.status = 'submitted' THEN $2::int END,
            CASE t.status WHEN 'submitted' THEN round(t.score * 100.0 / $2::int, 2)
                          WHEN 'expired' THEN 0 END,
            CASE t.status WHEN 'submitted' THEN t.score * 100.0 / $2::int >= $3::int
                          WHEN 'expired' THEN false END,
            t.started_at,
            CASE WHEN t.status = 'submitted' THEN t.started_at + t.duration ELSE t.started_at END
       FROM tries t JOIN quiz ON quiz.n = t.course_n`,
    [QUIZ_MINUTES, MAX_SCORE, PASSING_PERCENTAGE],
  );
}

/**
 * The gradebook course (issue 18's benchmark): the first G students enrolled in one more course
 * with one lesson, 20 published quizzes of the four scale questions each finished 3 times by every
 * student, and 10 published assignments (due 30 days ago) each with one graded submission per
 * student. Scores follow the student's `skill`; a tenth of the submissions are late (with the
 * assignments' 10 % penalty applied to finalScore).
 */
async function insertGradebookCourse(runner: QueryRunner, o: ScaleOptions) {
  await runner.query(
    `CREATE TEMP TABLE seed_gradebook ON COMMIT DROP AS
     SELECT gen_random_uuid() AS id, now() - interval '90 days' AS created_at,
            (SELECT id FROM users WHERE email = 'instructor1@${SCALE_DOMAIN}') AS instructor_id`,
  );
  let rows = await affected(
    runner,
    `INSERT INTO courses (id, title, slug, description, category, difficulty_level, is_published,
                          published_at, estimated_duration_minutes, instructor_id, created_at,
                          updated_at)
     SELECT id, 'Scale gradebook course', '${GRADEBOOK_COURSE_SLUG}',
            'Generated by the scale seed for the gradebook benchmark.', 'data', 'intermediate',
            true, created_at + interval '1 day', 15, instructor_id, created_at, created_at
       FROM seed_gradebook`,
  );
  rows += await affected(
    runner,
    `INSERT INTO lessons (course_id, title, content, content_type, duration_minutes, position,
                          created_at, updated_at)
     SELECT id, 'Lesson 1', 'The one lesson.', 'text', 15, 1, created_at, created_at
       FROM seed_gradebook`,
  );
  await runner.query(
    `CREATE TEMP TABLE seed_gradebook_enrollment ON COMMIT DROP AS
     SELECT gen_random_uuid() AS id, s.id AS student_id, s.skill,
            g.created_at + (1 + random() * 10) * interval '1 day' AS enrolled_at
       FROM seed_student s, seed_gradebook g
      WHERE s.i <= $1::int`,
    [o.gradebookStudents],
  );
  rows += await affected(
    runner,
    `INSERT INTO enrollments (id, student_id, course_id, status, enrolled_at, progress_percentage,
                              completed_lessons, created_at, updated_at)
     SELECT e.id, e.student_id, g.id, 'active', e.enrolled_at, 0, 0, e.enrolled_at, e.enrolled_at
       FROM seed_gradebook_enrollment e, seed_gradebook g`,
  );
  await runner.query(
    `CREATE TEMP TABLE seed_gradebook_quiz ON COMMIT DROP AS
     SELECT k, gen_random_uuid() AS id, g.id AS course_id,
            g.created_at + k * interval '2 days' AS created_at
       FROM seed_gradebook g, generate_series(1, $1::int) AS k`,
    [GRADEBOOK_QUIZZES],
  );
  rows += await affected(
    runner,
    `INSERT INTO quizzes (id, course_id, title, description, time_limit_minutes,
                          passing_score_percentage, max_attempts, is_published, created_at,
                          updated_at)
     SELECT id, course_id, 'Quiz ' || k, 'One question of each type.', $1::int, $2::int, $3::int,
            true, created_at, created_at
       FROM seed_gradebook_quiz`,
    [QUIZ_MINUTES, PASSING_PERCENTAGE, GRADEBOOK_ATTEMPTS],
  );
  rows += await affected(
    runner,
    `INSERT INTO questions (quiz_id, text, type, options, correct_answer, points, position,
                            created_at, updated_at)
     SELECT q.id, t.text, t.type, t.options, t.correct_answer, t.points, t.position,
            q.created_at, q.created_at
       FROM seed_gradebook_quiz q,
            jsonb_to_recordset($1::jsonb)
              AS t(position int, text text, type text, options jsonb, correct_answer jsonb, points int)`,
    [JSON.stringify(questionRows())],
  );
  const score = SCALE_QUESTIONS.map(
    (question) => `${question.points} * (random() < e.skill + 0.1 * (a - 1))::int`,
  ).join(' + ');
  rows += await affected(
    runner,
    `INSERT INTO quiz_attempts (quiz_id, student_id, enrollment_id, attempt_number, status,
                                started_at, expires_at, submitted_at, question_order, score,
                                max_score, percentage, passed, created_at, updated_at)
     WITH quiz AS MATERIALIZED (
       SELECT q.id, q.created_at, (SELECT jsonb_agg(id ORDER BY position) FROM questions
                                    WHERE quiz_id = q.id) AS question_order
         FROM seed_gradebook_quiz q
     ), tries AS MATERIALIZED (
       SELECT quiz.id AS quiz_id, quiz.question_order, e.student_id, e.id AS enrollment_id, a,
              greatest(quiz.created_at, e.enrolled_at) + a * interval '1 day' AS started_at,
              ${score} AS score
         FROM quiz, seed_gradebook_enrollment e, generate_series(1, $4::int) AS a
     )
     SELECT quiz_id, student_id, enrollment_id, a, 'submitted', started_at,
            started_at + $1::int * interval '1 minute', started_at + interval '10 minutes',
            question_order, score, $2::int, round(score * 100.0 / $2::int, 2),
            score * 100.0 / $2::int >= $3::int, started_at, started_at + interval '10 minutes'
       FROM tries`,
    [QUIZ_MINUTES, MAX_SCORE, PASSING_PERCENTAGE, GRADEBOOK_ATTEMPTS],
  );
  await runner.query(
    `CREATE TEMP TABLE seed_gradebook_assignment ON COMMIT DROP AS
     SELECT k, gen_random_uuid() AS id, g.id AS course_id, g.instructor_id,
            g.created_at + k * interval '3 days' AS created_at,
            now() - interval '30 days' AS due_at
       FROM seed_gradebook g, generate_series(1, $1::int) AS k`,
    [GRADEBOOK_ASSIGNMENTS],
  );
  rows += await affected(
    runner,
    `INSERT INTO assignments (id, course_id, title, instructions, due_at, max_points,
                              submission_types, late_penalty_percent, is_published, created_at,
                              updated_at)
     SELECT id, course_id, 'Assignment ' || k, 'Write it up.', due_at, $1::int, '["text"]',
            10, true, created_at, created_at
       FROM seed_gradebook_assignment`,
    [ASSIGNMENT_POINTS],
  );
  rows += await affected(
    runner,
    `INSERT INTO submissions (assignment_id, student_id, enrollment_id, version, text,
                             submitted_at, late, status, score, final_score, feedback, graded_at,
                             grader_id, created_at, updated_at)
     WITH work AS MATERIALIZED (
       SELECT a.id AS assignment_id, a.instructor_id, a.due_at, e.student_id,
              e.id AS enrollment_id,
              random() < 0.1 AS late,
              round(($1::int * least(1, e.skill + 0.2 * random()))::numeric, 2) AS score
         FROM seed_gradebook_assignment a, seed_gradebook_enrollment e
     )
     SELECT assignment_id, student_id, enrollment_id, 1, 'My answer.',
            due_at + CASE WHEN late THEN interval '1 day' ELSE interval '-1 day' END, late,
            'graded', score, CASE WHEN late THEN round(score * 0.9, 2) ELSE score END,
            'Well argued.', due_at + interval '5 days', instructor_id,
            due_at - interval '1 day', due_at + interval '5 days'
       FROM work`,
    [ASSIGNMENT_POINTS],
  );
  return rows;
}

/**
 * Superusers skip the per-row foreign-key triggers for this transaction (about 40 % of the
 * lesson_progress step): every row is built by joining its parents, so the checks cannot fail.
 * Other roles keep them.
 */
async function skipTriggersIfAllowed(runner: QueryRunner): Promise<boolean> {
  const [{ superuser }] = (await runner.query(
    `SELECT current_setting('is_superuser') = 'on' AS superuser`,
  )) as Array<{ superuser: boolean }>;
  if (superuser) await runner.query('SET LOCAL session_replication_role = replica');
  return superuser;
}

const TABLES = [
  'users',
  'courses',
  'lessons',
  'enrollments',
  'lesson_progress',
  'quizzes',
  'questions',
  'quiz_attempts',
  'assignments',
  'submissions',
];

async function tableCounts(db: DataSource): Promise<Record<string, number>> {
  const [row] = await db.query<Array<Record<string, number>>>(
    `SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
  );
  return row;
}

async function bigCourseFigures(db: DataSource, courseId: string) {
  const [row] = await db.query<
    Array<{ enrollments: number; completed: number; progress: number; lessons: number }>
  >(
    `SELECT (SELECT count(*)::int FROM enrollments WHERE course_id = $1) AS enrollments,
            (SELECT count(*)::int FROM enrollments
              WHERE course_id = $1 AND status = 'completed') AS completed,
            (SELECT count(*)::int FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
              WHERE l.course_id = $1) AS progress,
            (SELECT count(*)::int FROM lessons WHERE course_id = $1) AS lessons`,
    [courseId],
  );
  return {
    enrollments: row.enrollments,
    completed: row.completed,
    progressRows: row.progress,
    lessons: row.lessons,
  };
}

async function vacuumAnalyze(db: DataSource): Promise<number> {
  const runner = db.createQueryRunner();
  try {
    await runner.query('SET statement_timeout = 0');
    await runner.query(`VACUUM (ANALYZE) ${TABLES.join(', ')}`);
    await runner.query('RESET statement_timeout');
  } finally {
    await runner.release();
  }
  return 0;
}

/** Generates everything in one transaction, then VACUUM ANALYZE (statistics, visibility map). */
export async function seedScale(
  db: DataSource,
  options: ScaleOptions,
  passwordHash: string,
): Promise<ScaleResult> {
  const steps = new StepReporter(11);
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    // Bulk work: no per-statement limit, memory for the hash joins, no fsync wait at commit.
    await runner.query(
      `SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB';
       SET LOCAL synchronous_commit = off; SELECT setseed(0.42)`,
    );
    await assertEmpty(runner, { lock: true });
    const skipped = await skipTriggersIfAllowed(runner);
    process.stderr.write(
      `foreign-key triggers ${skipped ? 'skipped (superuser)' : 'kept (not a superuser)'}\n`,
    );
    await steps.step('students', () => insertStudents(runner, options, passwordHash));
    await steps.step('admin and instructors', () => insertStaff(runner, options, passwordHash));
    await steps.step('courses', () => insertCourses(runner, options));
    await steps.step('lessons', () => insertLessons(runner));
    await steps.step('enrollments', () => insertEnrollments(runner, options));
    await steps.step('lesson progress', () => insertProgress(runner));
    await steps.step('quizzes and questions', () => insertQuizzes(runner));
    await steps.step('quiz attempts', () => insertAttempts(runner));
    await steps.step('gradebook course', () => insertGradebookCourse(runner, options));
    await steps.step('commit', async () => {
      await runner.commitTransaction();
      return 0;
    });
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
  // Outside the transaction (VACUUM cannot run in one): fresh statistics for the planner and a
  // set visibility map, without which index-only scans would still visit the heap.
  await steps.step('vacuum analyze', () => vacuumAnalyze(db));
  const [big] = await db.query<Array<{ id: string }>>('SELECT id FROM courses WHERE slug = $1', [
    BIG_COURSE_SLUG,
  ]);
  const [gradebook] = await db.query<Array<{ id: string }>>(
    'SELECT id FROM courses WHERE slug = $1',
    [GRADEBOOK_COURSE_SLUG],
  );
  return {
    bigCourseId: big.id,
    gradebookCourseId: gradebook.id,
    counts: await tableCounts(db),
    bigCourse: await bigCourseFigures(db, big.id),
    timings: steps.timings,
    totalSeconds: steps.totalSeconds(),
  };
}
