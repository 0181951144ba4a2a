import { randomUUID } from 'node:crypto';
import { Global, Module, ModuleMetadata, Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../src/common/auth/roles';
import { Clock } from '../../src/common/time/clock';
import { ClockModule } from '../../src/common/time/clock.module';
import { createConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { AttemptsModule } from '../../src/infra/attempts/attempts.module';
import { CryptoModule } from '../../src/infra/crypto/crypto.module';
import { IdempotencyModule } from '../../src/infra/idempotency/idempotency.module';
import { KeyValueStore } from '../../src/infra/kv/key-value.store';
import { MemoryKeyValueStore } from '../../src/infra/kv/memory-key-value.store';
import type { MailMessage } from '../../src/infra/mail/mail-message';
import { MailTransport } from '../../src/infra/mail/mail.transport';
import { OutboxModule } from '../../src/infra/outbox/outbox.module';
import { EnqueueOptions, JobQueue, QueueDepth } from '../../src/infra/queue/job-queue';
import { JOBS, QueueName } from '../../src/infra/queue/queue.constants';
import { REDIS_CLIENT } from '../../src/infra/redis/redis.constants';
import { StorageBackend } from '../../src/infra/storage/storage.backend';
import { AccessModule } from '../../src/modules/access/access.module';
import { Course } from '../../src/modules/courses/entities/course.entity';
import { Lesson } from '../../src/modules/courses/entities/lesson.entity';
import { Enrollment } from '../../src/modules/enrollments/entities/enrollment.entity';
import { Question } from '../../src/modules/quizzes/entities/question.entity';
import { QuizAttempt } from '../../src/modules/quizzes/entities/quiz-attempt.entity';
import { Quiz } from '../../src/modules/quizzes/entities/quiz.entity';
import { User } from '../../src/modules/users/entities/user.entity';
import { createTestDatabase, dropTestDatabase } from '../utils/test-database';
import { withEnv } from '../utils/test-app';

/** The clock services read; tests set it instead of waiting. */
export class FakeClock extends Clock {
  private current = new Date();

  override now(): Date {
    return new Date(this.current.getTime());
  }

  set(date: Date): void {
    this.current = new Date(date.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Jobs enqueued directly (most go through the outbox table, which stays real). */
export class FakeJobQueue extends JobQueue {
  readonly jobs: Array<{ queue: QueueName; name: string; data: unknown }> = [];

  async add(queue: QueueName, name: string, data: unknown, _options?: EnqueueOptions) {
    this.jobs.push({ queue, name, data });
  }

  async schedule(): Promise<void> {}

  async depths(): Promise<QueueDepth[]> {
    return [];
  }
}

export class FakeMailTransport extends MailTransport {
  readonly sent: MailMessage[] = [];

  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }

  close(): void {}
}

/** Storage nobody is expected to touch in this tier: any use fails the test loudly. */
class UnusedStorage extends StorageBackend {
  readonly provider = 'local' as const;
  private refuse(): never {
    throw new Error('storage is not part of the medium tier');
  }
  put = async (): Promise<number> => this.refuse();
  get = async (): Promise<never> => this.refuse();
  delete = async (): Promise<void> => this.refuse();
  signedUrl = async (): Promise<string | null> => this.refuse();
  ensureReady = async (): Promise<void> => {};
}

/**
 * The edges, faked: no Redis (caches and limits in memory), jobs and mail recorded, storage
 * refused. The database, repositories and services are the real ones.
 */
function edgesModule(queue: FakeJobQueue, mail: FakeMailTransport) {
  @Global()
  @Module({
    providers: [
      { provide: REDIS_CLIENT, useValue: null },
      { provide: KeyValueStore, useFactory: () => new MemoryKeyValueStore() },
      { provide: JobQueue, useValue: queue },
      { provide: MailTransport, useValue: mail },
      { provide: StorageBackend, useClass: UnusedStorage },
    ],
    exports: [REDIS_CLIENT, KeyValueStore, JobQueue, MailTransport, StorageBackend],
  })
  class MediumEdgesModule {}
  return MediumEdgesModule;
}

export interface OutboxRow {
  queue: string;
  name: string;
  payload: Record<string, unknown>;
  /** What it is: the event type (`enrollment.completed`), `mail:<template>` or `<queue>:<job>`. */
  kind: string;
}

function kindOf({ queue, name, payload }: Omit<OutboxRow, 'kind'>): string {
  if (name === JOBS.DOMAIN_EVENT) return String(payload.type);
  if (name === JOBS.SEND_EMAIL) return `mail:${String(payload.template)}`;
  return `${queue}:${name}`;
}

let sequence = 0;
const unique = () => `${++sequence}-${randomUUID().slice(0, 8)}`;

export interface MediumContext {
  module: TestingModule;
  dataSource: DataSource;
  clock: FakeClock;
  queue: FakeJobQueue;
  mail: FakeMailTransport;
  get<T>(type: Type<T>): T;
  /** The caller as the authentication guard builds it: the user's current role, read now. */
  caller(user: { id: string }): Promise<AuthenticatedUser>;
  newUser(values?: Partial<User>): Promise<User>;
  newCourse(
    values?: Partial<Course> & { lessons?: number },
  ): Promise<Course & { lessons: Lesson[] }>;
  newLesson(course: { id: string }, values?: Partial<Lesson>): Promise<Lesson>;
  newEnrollment(values: { course: { id: string }; student?: { id: string } }): Promise<Enrollment>;
  newQuiz(
    course: { id: string },
    values?: Partial<Quiz> & { questions?: Array<Partial<Question>> },
  ): Promise<Quiz & { questions: Question[] }>;
  newAttempt(values: {
    quiz: Quiz & { questions: Question[] };
    enrollment: Enrollment;
    startedAt?: Date;
    expiresAt?: Date | null;
  }): Promise<QuizAttempt>;
  /** Jobs written to the outbox (events, mails, certificates), by queue and name. */
  outbox(): Promise<OutboxRow[]>;
  close(): Promise<void>;
}

/**
 * Builds a minimal Nest module around the domain modules in `imports` (the service under test and
 * what it really depends on) against a database cloned from the migrated template, with only the
 * edges faked (see edgesModule; the clock is a FakeClock).
 */
export async function createMediumContext(
  imports: NonNullable<ModuleMetadata['imports']>,
): Promise<MediumContext> {
  const databaseUrl = await createTestDatabase();
  const clock = new FakeClock();
  const queue = new FakeJobQueue();
  const mail = new FakeMailTransport();
  const env = {
    DATABASE_URL: databaseUrl,
    DB_MIGRATE_ON_START: 'false',
    REDIS_URL: undefined,
    JOBS_INLINE: 'true',
  };
  let module: TestingModule;
  try {
    module = await withEnv(env, () =>
      Test.createTestingModule({
        imports: [
          createConfigModule(),
          ClockModule,
          DatabaseModule,
          edgesModule(queue, mail),
          AttemptsModule,
          OutboxModule,
          AccessModule,
          // What the domain modules' routes need (`@Idempotent()` brings its interceptor).
          CryptoModule,
          IdempotencyModule,
          ...imports,
        ],
      })
        .overrideProvider(Clock)
        .useValue(clock)
        .compile(),
    );
    await module.init();
  } catch (error) {
    await dropTestDatabase(databaseUrl);
    throw error;
  }
  const dataSource = module.get(DataSource);
  const insert = async <T extends object>(entity: Type<T>, values: Partial<T>): Promise<T> => {
    const repository = dataSource.getRepository(entity);
    return repository.save(repository.create(values as T));
  };

  const ctx: MediumContext = {
    module,
    dataSource,
    clock,
    queue,
    mail,
    get: (type) => module.get(type, { strict: false }),
    caller: async ({ id }) => {
      const { role } = await dataSource.getRepository(User).findOneByOrFail({ id });
      return {
        id,
        role: role,
        jti: randomUUID(),
        exp: Math.floor(Date.now() / 1000) + 900,
      };
    },
    newUser: (values = {}) =>
      insert(User, {
        email: `user-${unique()}@example.com`,
        passwordHash: 'not-a-hash',
        fullName: 'Medium User',
        role: 'student',
        ...values,
      }),
    newCourse: async ({ lessons = 0, ...values } = {}) => {
      const instructorId = values.instructorId ?? (await ctx.newUser({ role: 'instructor' })).id;
      const slug = `course-${unique()}`;
      const published = values.isPublished ?? true;
      const course = await insert(Course, {
        title: slug,
        slug,
        isPublished: published,
        publishedAt: published ? new Date() : null,
        ...values,
        instructorId,
      });
      const created: Lesson[] = [];
      for (let i = 0; i < lessons; i++) created.push(await ctx.newLesson(course));
      return Object.assign(course, { lessons: created });
    },
    newLesson: async (course, values = {}) => {
      const position =
        values.position ??
        (await dataSource.getRepository(Lesson).countBy({ courseId: course.id })) + 1;
      return insert(Lesson, {
        courseId: course.id,
        title: `Lesson ${position}`,
        contentType: 'text',
        content: 'text',
        position,
        ...values,
      });
    },
    newEnrollment: async ({ course, student }) =>
      insert(Enrollment, {
        courseId: course.id,
        studentId: student?.id ?? (await ctx.newUser()).id,
      }),
    newQuiz: async (course, { questions, ...values } = {}) => {
      const quiz = await insert(Quiz, {
        courseId: course.id,
        title: 'Quiz',
        isPublished: true,
        ...values,
      });
      const created: Question[] = [];
      for (const [index, question] of (questions ?? [{}]).entries()) {
        created.push(
          await insert(Question, {
            quizId: quiz.id,
            text: `Question ${index + 1}`,
            type: 'true_false',
            correctAnswer: true,
            points: 1,
            position: index + 1,
            ...question,
          }),
        );
      }
      return Object.assign(quiz, { questions: created });
    },
    newAttempt: async ({ quiz, enrollment, startedAt, expiresAt }) => {
      const start = startedAt ?? clock.now();
      const attemptNumber =
        (await dataSource
          .getRepository(QuizAttempt)
          .countBy({ quizId: quiz.id, studentId: enrollment.studentId })) + 1;
      return insert(QuizAttempt, {
        quizId: quiz.id,
        studentId: enrollment.studentId,
        enrollmentId: enrollment.id,
        attemptNumber,
        startedAt: start,
        expiresAt:
          expiresAt !== undefined
            ? expiresAt
            : quiz.timeLimitMinutes
              ? new Date(start.getTime() + quiz.timeLimitMinutes * 60_000)
              : null,
        questionOrder: quiz.questions.map((question) => question.id),
      });
    },
    outbox: async () => {
      const rows = await dataSource.query<Array<Omit<OutboxRow, 'kind'>>>(
        'SELECT queue, name, payload FROM outbox_messages ORDER BY queue, name, created_at',
      );
      return rows.map((row) => ({ ...row, kind: kindOf(row) }));
    },
    close: async () => {
      await module.close();
      await dropTestDatabase(databaseUrl);
    },
  };
  return ctx;
}
