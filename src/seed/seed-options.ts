import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run seed -- --profile <demo|scale> [options]

Profiles (both refuse a database that already has users):
  demo    an admin, 2 instructors, 8 students, 4 published courses with lessons and quizzes,
          enrollments at varied progress, graded attempts and certificates; prints the logins
  scale   bulk data for benchmarks, generated in PostgreSQL (INSERT ... SELECT):
            --students N               students (required); all enroll in the "big course",
                                       and each in 0-4 of the other courses
            --courses C                courses (default 20); course 1 is the big course
            --lessons L                lessons per course (default 10)
            --progress-per-student P   average completed lessons per student in the big course
                                       (default L); the big course has 2P lessons and each
                                       student completes 0..2P of them, so it holds ~N*P
                                       lesson_progress rows
            --gradebook-students G     students (the first G, default min(N, 10000)) enrolled
                                       in the gradebook course: 20 quizzes finished 3 times
                                       each and 10 assignments with one graded submission each

Options:
  --password <password>   the one password of every seeded account (default: printed at the end)

Works against DATABASE_URL, or the embedded database under DATA_DIR when it is unset. Once the
database is known to be empty, pending migrations are applied (unless DB_MIGRATE_ON_START=false).`;

export interface DemoOptions {
  profile: 'demo';
  password: string;
}

export interface ScaleOptions {
  profile: 'scale';
  password: string;
  students: number;
  courses: number;
  lessons: number;
  progressPerStudent: number;
  gradebookStudents: number;
}

export type SeedOptions = DemoOptions | ScaleOptions;

/** Bad command-line input: printed with the usage, exit code 1. */
export class UsageError extends Error {}

const DEFAULT_PASSWORD = { demo: 'demo-Passw0rd', scale: 'scale-Passw0rd' } as const;

/** Upper bounds keep a typo from generating a database that fills the disk. */
const LIMITS = {
  students: 5_000_000,
  courses: 10_000,
  lessons: 200,
  progressPerStudent: 100,
  gradebookStudents: 5_000_000,
};

function integer(name: keyof typeof LIMITS, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${flag(name)} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > LIMITS[name]) {
    throw new UsageError(`--${flag(name)} must be an integer between 1 and ${LIMITS[name]}`);
  }
  return value;
}

const flag = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Parses `--profile demo|scale` and the profile's options; throws UsageError when invalid. */
export function parseSeedOptions(argv: string[]): SeedOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        profile: { type: 'string' },
        password: { type: 'string' },
        students: { type: 'string' },
        courses: { type: 'string' },
        lessons: { type: 'string' },
        'progress-per-student': { type: 'string' },
        'gradebook-students': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const profile = values.profile;
  if (profile !== 'demo' && profile !== 'scale') {
    throw new UsageError('--profile must be demo or scale');
  }
  const password = values.password ?? DEFAULT_PASSWORD[profile];
  // The API's rule (IsStrongPassword), so that the printed logins can also be typed into a form.
  const strong =
    password.length >= 8 &&
    password.length <= 128 &&
    /[A-Za-z]/.test(password) &&
    /\d/.test(password);
  if (!strong)
    throw new UsageError('--password must be 8-128 characters with a letter and a digit');
  if (profile === 'demo') {
    const extra = [
      'students',
      'courses',
      'lessons',
      'progress-per-student',
      'gradebook-students',
    ].find((name) => values[name] !== undefined);
    if (extra) throw new UsageError(`--${extra} belongs to the scale profile`);
    return { profile, password };
  }
  const lessons = integer('lessons', values.lessons, 10);
  const students = integer('students', values.students);
  const gradebookStudents = integer(
    'gradebookStudents',
    values['gradebook-students'],
    Math.min(students, 10_000),
  );
  if (gradebookStudents > students) {
    throw new UsageError('--gradebook-students cannot exceed --students');
  }
  return {
    profile,
    password,
    students,
    gradebookStudents,
    courses: integer('courses', values.courses, 20),
    lessons,
    progressPerStudent: integer(
      'progressPerStudent',
      values['progress-per-student'],
      Math.min(lessons, LIMITS.progressPerStudent),
    ),
  };
}
