import type { Role } from '../common/auth/roles';
import type { CreateCourseDto } from '../modules/courses/dto/create-course.dto';
import type { CreateLessonDto } from '../modules/courses/dto/create-lesson.dto';
import type { CreateQuestionDto } from '../modules/quizzes/dto/create-question.dto';
import type { CreateQuizDto } from '../modules/quizzes/dto/create-quiz.dto';

/**
 * What the demo profile creates: people, courses and who got how far. Plain data, so that the
 * story can be read (and changed) without reading the code that plays it.
 */

export const DEMO_DOMAIN = 'demo.example.com';

export interface DemoPerson {
  key: string;
  fullName: string;
  role: Role;
}

export const PEOPLE: DemoPerson[] = [
  { key: 'alex.morgan', fullName: 'Alex Morgan', role: 'admin' },
  { key: 'priya.raman', fullName: 'Priya Raman', role: 'instructor' },
  { key: 'marcus.webb', fullName: 'Marcus Webb', role: 'instructor' },
  { key: 'lena.fischer', fullName: 'Lena Fischer', role: 'student' },
  { key: 'tomas.alvarez', fullName: 'Tomás Alvarez', role: 'student' },
  { key: 'aiko.tanaka', fullName: 'Aiko Tanaka', role: 'student' },
  { key: 'noah.okafor', fullName: 'Noah Okafor', role: 'student' },
  { key: 'sofia.rossi', fullName: 'Sofia Rossi', role: 'student' },
  { key: 'ethan.brooks', fullName: 'Ethan Brooks', role: 'student' },
  { key: 'maya.cohen', fullName: 'Maya Cohen', role: 'student' },
  { key: 'omar.haddad', fullName: 'Omar Haddad', role: 'student' },
];

export const emailOf = (person: DemoPerson) => `${person.key}@${DEMO_DOMAIN}`;

/** A question with an answer a weaker student might give instead of the right one. */
export type DemoQuestion = CreateQuestionDto & { wrongAnswer: string | string[] | boolean };

export interface DemoCourse {
  key: string;
  instructor: string;
  course: CreateCourseDto;
  lessons: CreateLessonDto[];
  /** Tied to the last lesson: passing it completes that lesson (and with it the course). */
  quiz: CreateQuizDto;
  questions: DemoQuestion[];
}

const video = (slug: string) => `https://videos.example.com/lms-demo/${slug}.mp4`;

export const COURSES: DemoCourse[] = [
  {
    key: 'typescript',
    instructor: 'priya.raman',
    course: {
      title: 'TypeScript from the Ground Up',
      description:
        'Types, narrowing, generics and the compiler options that matter, taught through the ' +
        'small refactorings of a real command-line tool.',
      category: 'programming',
      difficultyLevel: 'beginner',
      estimatedDurationMinutes: 240,
    },
    lessons: [
      {
        title: 'Why types? A tour of the compiler',
        contentType: 'video',
        videoUrl: video('ts-tour'),
        durationMinutes: 12,
        isPreview: true,
        content: 'What tsc checks, what it emits, and how to read its error messages.',
      },
      {
        title: 'Primitive, union and literal types',
        contentType: 'text',
        durationMinutes: 25,
        content:
          'string, number and boolean; unions such as "open" | "closed"; and when to use each.',
      },
      {
        title: 'Narrowing with typeof, in and discriminants',
        contentType: 'text',
        durationMinutes: 30,
        content: 'How control flow refines a union, and how a `kind` field makes it exhaustive.',
      },
      {
        title: 'Generics without fear',
        contentType: 'video',
        videoUrl: video('ts-generics'),
        durationMinutes: 28,
        content: 'Type parameters, constraints and inference, from Array<T> to your own helpers.',
      },
      {
        title: 'strict mode and a tsconfig you can defend',
        contentType: 'document',
        durationMinutes: 20,
        content: 'strict, noUncheckedIndexedAccess and friends: what each one catches.',
      },
    ],
    quiz: {
      title: 'TypeScript essentials check',
      description: 'Four questions on the ideas of the course.',
      timeLimitMinutes: 15,
      passingScorePercentage: 70,
      maxAttempts: 3,
    },
    questions: [
      {
        type: 'multiple_choice',
        text: 'Which type has exactly the values "open" and "closed"?',
        options: ['string', '"open" | "closed"', 'enum', 'unknown'],
        correctAnswer: '"open" | "closed"',
        wrongAnswer: 'string',
        points: 2,
      },
      {
        type: 'multiple_select',
        text: 'Which of these narrow a union type?',
        options: ['typeof checks', 'the in operator', 'a type assertion (as)', 'a discriminant'],
        correctAnswer: ['typeof checks', 'the in operator', 'a discriminant'],
        wrongAnswer: ['typeof checks', 'a type assertion (as)'],
        points: 3,
      },
      {
        type: 'true_false',
        text: 'Type annotations are removed from the emitted JavaScript.',
        correctAnswer: true,
        wrongAnswer: false,
        points: 1,
      },
      {
        type: 'short_answer',
        text: 'Which compiler option turns on the whole family of strict checks?',
        correctAnswer: ['strict', '--strict'],
        wrongAnswer: 'noImplicitAny',
        points: 2,
      },
    ],
  },
  {
    key: 'postgres',
    instructor: 'priya.raman',
    course: {
      title: 'PostgreSQL for Application Developers',
      description:
        'Schemas, indexes, transactions and query plans: what an application developer needs ' +
        'to keep a PostgreSQL database fast and correct.',
      category: 'databases',
      difficultyLevel: 'intermediate',
      estimatedDurationMinutes: 360,
    },
    lessons: [
      {
        title: 'Tables, keys and constraints',
        contentType: 'video',
        videoUrl: video('pg-schema'),
        durationMinutes: 20,
        isPreview: true,
        content: 'Primary keys, foreign keys, CHECK constraints, and letting the database say no.',
      },
      {
        title: 'Reading EXPLAIN ANALYZE',
        contentType: 'text',
        durationMinutes: 35,
        content: 'Nodes, estimated versus actual rows, loops, buffers, and where the time went.',
      },
      {
        title: 'B-tree indexes, covering and partial',
        contentType: 'text',
        durationMinutes: 30,
        content: 'Column order, INCLUDE columns, partial predicates and index-only scans.',
      },
      {
        title: 'Transactions and isolation levels',
        contentType: 'video',
        videoUrl: video('pg-transactions'),
        durationMinutes: 32,
        content: 'Read committed, repeatable read, serializable, and the anomalies each allows.',
      },
      {
        title: 'Locks, deadlocks and SKIP LOCKED',
        contentType: 'text',
        durationMinutes: 25,
        content:
          'Row and table locks, lock ordering, and queue tables with FOR UPDATE SKIP LOCKED.',
      },
      {
        title: 'Migrations without downtime',
        contentType: 'document',
        durationMinutes: 22,
        content: 'Expand and contract, CREATE INDEX CONCURRENTLY, and backfills in batches.',
      },
    ],
    quiz: {
      title: 'PostgreSQL practice exam',
      description: 'Plans, indexes and transactions.',
      timeLimitMinutes: 20,
      passingScorePercentage: 70,
      maxAttempts: 3,
    },
    questions: [
      {
        type: 'multiple_choice',
        text: 'Which plan node reads only the index, never the table?',
        options: ['Seq Scan', 'Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'],
        correctAnswer: 'Index Only Scan',
        wrongAnswer: 'Index Scan',
        points: 2,
      },
      {
        type: 'multiple_select',
        text: 'Which isolation levels does PostgreSQL really implement?',
        options: ['read uncommitted', 'read committed', 'repeatable read', 'serializable'],
        correctAnswer: ['read committed', 'repeatable read', 'serializable'],
        wrongAnswer: ['read committed', 'serializable'],
        points: 3,
      },
      {
        type: 'true_false',
        text: 'CREATE INDEX CONCURRENTLY can run inside a transaction block.',
        correctAnswer: false,
        wrongAnswer: true,
        points: 1,
      },
      {
        type: 'short_answer',
        text: 'Which command refreshes the statistics the planner uses?',
        correctAnswer: ['ANALYZE', 'VACUUM ANALYZE'],
        wrongAnswer: 'REINDEX',
        points: 2,
      },
    ],
  },
  {
    key: 'rest',
    instructor: 'marcus.webb',
    course: {
      title: 'Designing Reliable REST APIs',
      description:
        'Resources, status codes, idempotency, pagination and versioning, with the failure ' +
        'modes that show up once real clients arrive.',
      category: 'architecture',
      difficultyLevel: 'intermediate',
      estimatedDurationMinutes: 180,
    },
    lessons: [
      {
        title: 'Resources and their URLs',
        contentType: 'video',
        videoUrl: video('api-resources'),
        durationMinutes: 18,
        isPreview: true,
        content: 'Nouns, collections and sub-resources; what belongs in the path and the query.',
      },
      {
        title: 'Status codes clients can act on',
        contentType: 'text',
        durationMinutes: 25,
        content: '400 versus 422, 401 versus 403, 409, 429, and one error format for all of them.',
      },
      {
        title: 'Idempotency and retries',
        contentType: 'text',
        durationMinutes: 30,
        content: 'Safe and idempotent methods, idempotency keys, and retries with backoff.',
      },
      {
        title: 'Pagination and evolving a contract',
        contentType: 'document',
        durationMinutes: 24,
        content: 'Offset versus cursor pagination, additive changes and OpenAPI as the contract.',
      },
    ],
    quiz: {
      title: 'API design review',
      description: 'Status codes, methods and pagination.',
      timeLimitMinutes: 15,
      passingScorePercentage: 70,
      maxAttempts: 3,
    },
    questions: [
      {
        type: 'multiple_choice',
        text: 'A well-formed request breaks a business rule. Which status fits best?',
        options: ['400', '404', '422', '500'],
        correctAnswer: '422',
        wrongAnswer: '400',
        points: 2,
      },
      {
        type: 'multiple_select',
        text: 'Which methods are idempotent by definition?',
        options: ['GET', 'PUT', 'POST', 'DELETE'],
        correctAnswer: ['GET', 'PUT', 'DELETE'],
        wrongAnswer: ['GET', 'POST'],
        points: 3,
      },
      {
        type: 'true_false',
        text: 'Adding an optional response field is a breaking change.',
        correctAnswer: false,
        wrongAnswer: true,
        points: 1,
      },
      {
        type: 'short_answer',
        text: 'Which response header tells a rate-limited client when to try again?',
        correctAnswer: ['Retry-After'],
        wrongAnswer: 'X-RateLimit-Limit',
        points: 2,
      },
    ],
  },
  {
    key: 'dataviz',
    instructor: 'marcus.webb',
    course: {
      title: 'Data Visualization Essentials',
      description:
        'Choosing the right chart, using colour and scale honestly, and telling one clear ' +
        'story per figure.',
      category: 'data',
      difficultyLevel: 'beginner',
      estimatedDurationMinutes: 200,
    },
    lessons: [
      {
        title: 'From question to chart',
        contentType: 'video',
        videoUrl: video('viz-question'),
        durationMinutes: 15,
        isPreview: true,
        content: 'Start from the question the reader has, then pick the encoding.',
      },
      {
        title: 'Bars, lines and when not to use a pie',
        contentType: 'text',
        durationMinutes: 22,
        content: 'Comparisons, trends and parts of a whole, and the charts that show each best.',
      },
      {
        title: 'Colour and accessibility',
        contentType: 'text',
        durationMinutes: 20,
        content: 'Sequential, diverging and categorical palettes that survive colour blindness.',
      },
      {
        title: 'Honest axes and scales',
        contentType: 'video',
        videoUrl: video('viz-axes'),
        durationMinutes: 18,
        content:
          'Zero baselines, log scales and dual axes: when they inform and when they mislead.',
      },
      {
        title: 'Annotating the story',
        contentType: 'document',
        durationMinutes: 16,
        content: 'Titles that state the finding, labels instead of legends, and restraint.',
      },
    ],
    quiz: {
      title: 'Chart critique',
      description: 'Pick the right chart and spot the misleading one.',
      timeLimitMinutes: 10,
      passingScorePercentage: 70,
      maxAttempts: 3,
    },
    questions: [
      {
        type: 'multiple_choice',
        text: 'Which chart shows a trend over twelve months best?',
        options: ['Pie chart', 'Line chart', 'Radar chart', 'Treemap'],
        correctAnswer: 'Line chart',
        wrongAnswer: 'Pie chart',
        points: 2,
      },
      {
        type: 'multiple_select',
        text: 'Which palettes suit an ordered quantity?',
        options: ['sequential', 'diverging', 'categorical', 'rainbow'],
        correctAnswer: ['sequential', 'diverging'],
        wrongAnswer: ['rainbow'],
        points: 3,
      },
      {
        type: 'true_false',
        text: 'A bar chart’s value axis should start at zero.',
        correctAnswer: true,
        wrongAnswer: false,
        points: 1,
      },
      {
        type: 'short_answer',
        text: 'What do you call the short text that states a chart’s finding?',
        correctAnswer: ['title', 'headline', 'annotation'],
        wrongAnswer: 'legend',
        points: 2,
      },
    ],
  },
];

/**
 * How a quiz attempt goes, as the indexes of the questions answered wrongly (points 2/3/1/2 in
 * every demo quiz): perfect 100 %, good 87.5 % (passes at 70), near 62.5 %, poor 37.5 %.
 */
export const OUTCOMES = {
  perfect: [],
  good: [2],
  near: [1],
  poor: [1, 3],
} as const;
export type Outcome = keyof typeof OUTCOMES;

export interface DemoEnrollment {
  student: string;
  course: string;
  /** Lessons completed in order through the API; 'all' = every lesson but the quiz's last one. */
  lessons: number | 'all';
  /** Quiz attempts in order; a passing one completes the last lesson. */
  attempts?: Outcome[];
}

/** Six completed enrollments (with certificates), the others spread from 0 to 5 lessons. */
export const ENROLLMENTS: DemoEnrollment[] = [
  { student: 'lena.fischer', course: 'typescript', lessons: 'all', attempts: ['good'] },
  { student: 'lena.fischer', course: 'postgres', lessons: 3, attempts: ['near'] },
  { student: 'tomas.alvarez', course: 'typescript', lessons: 'all', attempts: ['near', 'perfect'] },
  { student: 'tomas.alvarez', course: 'rest', lessons: 'all', attempts: ['good'] },
  { student: 'aiko.tanaka', course: 'postgres', lessons: 'all', attempts: ['perfect'] },
  { student: 'aiko.tanaka', course: 'dataviz', lessons: 2 },
  { student: 'noah.okafor', course: 'typescript', lessons: 1 },
  { student: 'noah.okafor', course: 'rest', lessons: 2, attempts: ['poor'] },
  { student: 'sofia.rossi', course: 'dataviz', lessons: 'all', attempts: ['good'] },
  { student: 'sofia.rossi', course: 'postgres', lessons: 0 },
  { student: 'sofia.rossi', course: 'typescript', lessons: 4 },
  { student: 'ethan.brooks', course: 'rest', lessons: 'all', attempts: ['poor', 'good'] },
  { student: 'ethan.brooks', course: 'dataviz', lessons: 3, attempts: ['near'] },
  { student: 'maya.cohen', course: 'typescript', lessons: 2 },
  { student: 'maya.cohen', course: 'postgres', lessons: 5, attempts: ['near'] },
  { student: 'omar.haddad', course: 'dataviz', lessons: 1 },
];
