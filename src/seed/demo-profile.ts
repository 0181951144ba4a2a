import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/auth/roles';
import { CertificatesService } from '../modules/certificates/certificates.service';
import { CoursesService } from '../modules/courses/courses.service';
import { LessonsService } from '../modules/courses/lessons.service';
import { EnrollmentsService } from '../modules/enrollments/enrollments.service';
import { AttemptsService } from '../modules/quizzes/attempts.service';
import type { CreateQuestionDto } from '../modules/quizzes/dto/create-question.dto';
import { QuizzesService } from '../modules/quizzes/quizzes.service';
import type { User } from '../modules/users/entities/user.entity';
import { UsersService } from '../modules/users/users.service';
import {
  COURSES,
  DemoCourse,
  DemoEnrollment,
  DemoQuestion,
  emailOf,
  ENROLLMENTS,
  OUTCOMES,
  PEOPLE,
} from './demo-content';
import { assertEmpty } from './empty-database';
import type { DemoOptions } from './seed-options';
import { StepReporter, StepTiming } from './step-reporter';

/**
 * The `demo` profile plays the story of demo-content.ts through the application's services, so
 * that everything is what the API itself would have written: argon2 password hashes, slugs,
 * progress recomputed on each completed lesson, attempts graded on the server, certificates with
 * their PDFs. Only the timeline is SQL: services stamp `now()`, and a demo where everyone
 * enrolled and finished within the same minute would not look like one.
 */

interface PlayedCourse {
  id: string;
  title: string;
  lessonIds: string[];
  quizId: string;
  /** Question id -> index in the course's `questions`, to pick the right or wrong answer. */
  questionIndex: Map<string, number>;
  content: DemoCourse;
}

export interface DemoLogin {
  role: string;
  email: string;
  fullName: string;
  note: string;
}

export interface DemoResult {
  logins: DemoLogin[];
  counts: Record<string, number>;
  timings: StepTiming[];
  totalSeconds: number;
}

/** The caller the services expect (as the auth guard would build it from a token). */
const callerOf = (user: User): AuthenticatedUser => ({
  id: user.id,
  role: user.role,
  jti: 'seed',
  exp: 0,
});

async function createPeople(
  app: INestApplicationContext,
  password: string,
  people: Map<string, User>,
): Promise<number> {
  const users = app.get(UsersService);
  for (const person of PEOPLE) {
    const user = await users.create({
      email: emailOf(person),
      password,
      fullName: person.fullName,
      role: person.role,
    });
    people.set(person.key, user);
  }
  return people.size;
}

/** The question as an instructor would send it: without the seed's wrong answer. */
const asQuestionDto = (question: DemoQuestion): CreateQuestionDto => ({
  type: question.type,
  text: question.text,
  options: question.options,
  correctAnswer: question.correctAnswer,
  points: question.points,
});

/** Course, lessons, a quiz tied to the last lesson with its four questions; all published. */
async function createCourse(
  app: INestApplicationContext,
  content: DemoCourse,
  instructor: AuthenticatedUser,
): Promise<PlayedCourse> {
  const quizzes = app.get(QuizzesService);
  const course = await app.get(CoursesService).create(instructor, content.course);
  const lessonIds: string[] = [];
  for (const lesson of content.lessons) {
    lessonIds.push((await app.get(LessonsService).create(course.id, instructor, lesson)).id);
  }
  const quiz = await quizzes.create(course.id, instructor, {
    ...content.quiz,
    lessonId: lessonIds[lessonIds.length - 1],
  });
  const questionIndex = new Map<string, number>();
  for (const [index, question] of content.questions.entries()) {
    const created = await quizzes.addQuestion(quiz.id, instructor, asQuestionDto(question));
    questionIndex.set(created.id, index);
  }
  await quizzes.publish(quiz.id, instructor);
  await app.get(CoursesService).publish(course.id, instructor);
  return { id: course.id, title: course.title, lessonIds, quizId: quiz.id, questionIndex, content };
}

async function createCourses(
  app: INestApplicationContext,
  people: Map<string, User>,
  courses: Map<string, PlayedCourse>,
): Promise<number> {
  let rows = 0;
  for (const content of COURSES) {
    const played = await createCourse(app, content, callerOf(people.get(content.instructor)!));
    courses.set(content.key, played);
    rows += 1 + played.lessonIds.length + 1 + played.questionIndex.size;
  }
  return rows;
}

/** One attempt: right answers except the outcome's wrong ones. */
async function takeQuiz(
  app: INestApplicationContext,
  course: PlayedCourse,
  student: AuthenticatedUser,
  wrong: readonly number[],
): Promise<void> {
  const attempts = app.get(AttemptsService);
  const started = await attempts.start(course.quizId, student);
  const answers = started.questions.map((question) => {
    const index = course.questionIndex.get(question.id)!;
    const content = course.content.questions[index];
    // A short answer's correctAnswer lists the accepted strings; a student types one of them.
    const right =
      content.type === 'short_answer' && Array.isArray(content.correctAnswer)
        ? content.correctAnswer[0]
        : content.correctAnswer;
    return { questionId: question.id, answer: wrong.includes(index) ? content.wrongAnswer : right };
  });
  await attempts.submit(started.attempt.id, student, answers);
}

/** Enrolls, completes lessons in order, takes the quiz; returns the rows it caused. */
async function playEnrollment(
  app: INestApplicationContext,
  plan: DemoEnrollment,
  course: PlayedCourse,
  student: AuthenticatedUser,
): Promise<number> {
  const enrollments = app.get(EnrollmentsService);
  const { enrollment } = await enrollments.enroll(student, course.id);
  const lessons = plan.lessons === 'all' ? course.lessonIds.length - 1 : plan.lessons;
  for (const lessonId of course.lessonIds.slice(0, lessons)) {
    await enrollments.completeLesson(enrollment.id, lessonId, student);
  }
  for (const outcome of plan.attempts ?? []) {
    await takeQuiz(app, course, student, OUTCOMES[outcome]);
  }
  if (
    plan.lessons === 'all' &&
    (await enrollments.findById(enrollment.id))?.status !== 'completed'
  ) {
    throw new Error(`demo content: ${plan.student} was meant to complete ${course.title}`);
  }
  return 1 + lessons + (plan.attempts?.length ?? 0);
}

async function playEnrollments(
  app: INestApplicationContext,
  people: Map<string, User>,
  courses: Map<string, PlayedCourse>,
): Promise<number> {
  let rows = 0;
  for (const plan of ENROLLMENTS) {
    const student = callerOf(people.get(plan.student)!);
    rows += await playEnrollment(app, plan, courses.get(plan.course)!, student);
  }
  return rows;
}

/**
 * Spreads the story over the last ~4 months: staff and courses first, students joining 45-75
 * days ago, each enrollment's lessons and attempts evenly up to its last activity (its
 * completion when completed). Offsets come from hashtext(id), so they vary but stay plausible:
 * every timestamp keeps its order (created < enrolled < lessons < completed <= now).
 */
const TIMELINE_SQL = [
  `UPDATE users SET created_at = now() - interval '120 days', updated_at = now() - interval '120 days',
          tokens_valid_after = now() - interval '120 days', email_verified_at = now() - interval '120 days'
    WHERE role <> 'student'`,
  `UPDATE users SET created_at = t, updated_at = t, tokens_valid_after = t, email_verified_at = t
     FROM (SELECT id, now() - (45 + abs(hashtext(email)) % 30) * interval '1 day' AS t
             FROM users WHERE role = 'student') AS s
    WHERE users.id = s.id`,
  `UPDATE courses SET created_at = now() - interval '110 days',
          updated_at = now() - interval '100 days', published_at = now() - interval '100 days'`,
  `UPDATE lessons SET created_at = now() - interval '108 days', updated_at = now() - interval '108 days'`,
  `UPDATE quizzes SET created_at = now() - interval '105 days', updated_at = now() - interval '105 days'`,
  `UPDATE questions SET created_at = now() - interval '105 days', updated_at = now() - interval '105 days'`,
  `CREATE TEMP TABLE demo_timeline ON COMMIT DROP AS
   SELECT e.id, e.status,
          u.created_at + (1 + abs(hashtext(e.id::text)) % 7) * interval '1 day' AS enrolled_at,
          (3 + abs(hashtext(e.id::text || 'end')) % 27) * interval '1 day' AS span
     FROM enrollments e JOIN users u ON u.id = e.student_id`,
  `UPDATE enrollments e SET enrolled_at = t.enrolled_at, created_at = t.enrolled_at,
          updated_at = t.enrolled_at + t.span,
          completed_at = CASE WHEN e.status = 'completed' THEN t.enrolled_at + t.span END
     FROM demo_timeline t WHERE t.id = e.id`,
  `UPDATE lesson_progress p SET completed_at = t.enrolled_at + t.span * r.step / r.steps
     FROM (SELECT p2.id, p2.enrollment_id,
                  row_number() OVER (PARTITION BY p2.enrollment_id ORDER BY l.position) AS step,
                  count(*) OVER (PARTITION BY p2.enrollment_id) AS steps
             FROM lesson_progress p2 JOIN lessons l ON l.id = p2.lesson_id) AS r,
          demo_timeline t
    WHERE r.id = p.id AND t.id = r.enrollment_id`,
  // The last attempt ends at the enrollment's last activity (a pass completes the last lesson
  // then), earlier ones two days apart before it.
  `UPDATE quiz_attempts a SET submitted_at = s.at, started_at = s.at - interval '14 minutes',
          expires_at = s.at - interval '14 minutes' + q.time_limit_minutes * interval '1 minute',
          created_at = s.at - interval '14 minutes', updated_at = s.at
     FROM (SELECT a2.id, t.enrolled_at + t.span - (count(*) OVER w - a2.attempt_number) * interval '2 days' AS at
             FROM quiz_attempts a2 JOIN demo_timeline t ON t.id = a2.enrollment_id
           WINDOW w AS (PARTITION BY a2.enrollment_id)) AS s,
          quizzes q
    WHERE s.id = a.id AND q.id = a.quiz_id`,
];

async function backdate(db: DataSource): Promise<number> {
  return db.transaction(async (manager) => {
    let rows = 0;
    for (const sql of TIMELINE_SQL) {
      // The structured result carries the affected row count (EntityManager.query drops it).
      const result = (await manager.queryRunner!.query(sql, [], true)) as { affected?: number };
      rows += result.affected ?? 0;
    }
    return rows;
  });
}

/** Through the service, as the certificate job would: PDF stored, `certificate.issued` queued. */
async function issueCertificates(app: INestApplicationContext, db: DataSource): Promise<number> {
  const completed = await db.query<Array<{ id: string }>>(
    `SELECT id FROM enrollments WHERE status = 'completed' ORDER BY completed_at`,
  );
  for (const { id } of completed) await app.get(CertificatesService).issue(id);
  return completed.length;
}

async function countRows(db: DataSource): Promise<Record<string, number>> {
  const tables = [
    'users',
    'courses',
    'lessons',
    'quizzes',
    'questions',
    'enrollments',
    'lesson_progress',
    'quiz_attempts',
    'certificates',
  ];
  const [row] = await db.query<Array<Record<string, number>>>(
    `SELECT ${tables.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')},
            (SELECT count(*)::int FROM enrollments WHERE status = 'completed') AS completed`,
  );
  return row;
}

/** One line per account: what it teaches, or how far the student got. */
async function logins(db: DataSource): Promise<DemoLogin[]> {
  const rows = await db.query<
    Array<{ role: string; email: string; full_name: string; courses: string[]; done: number }>
  >(
    `SELECT u.role, u.email, u.full_name,
            array_remove(array_agg(DISTINCT c.title), NULL) AS courses,
            count(DISTINCT e.id) FILTER (WHERE e.status = 'completed')::int AS done
       FROM users u
       LEFT JOIN courses c ON c.instructor_id = u.id
       LEFT JOIN enrollments e ON e.student_id = u.id
      GROUP BY u.id
      ORDER BY array_position(ARRAY['admin', 'instructor', 'student'], u.role), u.email`,
  );
  const enrolled = await db.query<Array<{ email: string; n: number }>>(
    `SELECT u.email, count(*)::int AS n FROM enrollments e JOIN users u ON u.id = e.student_id
      GROUP BY u.email`,
  );
  const counts = new Map(enrolled.map((row) => [row.email, row.n]));
  return rows.map((row) => ({
    role: row.role,
    email: row.email,
    fullName: row.full_name,
    note:
      row.role === 'instructor'
        ? `teaches ${row.courses.join(', ')}`
        : row.role === 'student'
          ? `enrolled in ${counts.get(row.email) ?? 0}, completed ${row.done}`
          : 'all permissions',
  }));
}

export async function seedDemo(
  app: INestApplicationContext,
  options: DemoOptions,
): Promise<DemoResult> {
  const db = app.get(DataSource);
  await assertEmpty(db);
  const steps = new StepReporter(5);
  const people = new Map<string, User>();
  const courses = new Map<string, PlayedCourse>();
  await steps.step('users (argon2 hashes)', () => createPeople(app, options.password, people));
  await steps.step('courses, lessons, quizzes', () => createCourses(app, people, courses));
  await steps.step('enrollments, lessons, attempts', () => playEnrollments(app, people, courses));
  await steps.step('timeline', () => backdate(db));
  await steps.step('certificates (PDF)', () => issueCertificates(app, db));
  return {
    logins: await logins(db),
    counts: await countRows(db),
    timings: steps.timings,
    totalSeconds: steps.totalSeconds(),
  };
}
