import { CoursesModule } from '../../src/modules/courses/courses.module';
import { Enrollment } from '../../src/modules/enrollments/entities/enrollment.entity';
import { EnrollmentsModule } from '../../src/modules/enrollments/enrollments.module';
import { EnrollmentsService } from '../../src/modules/enrollments/enrollments.service';
import { User } from '../../src/modules/users/entities/user.entity';
import { UsersModule } from '../../src/modules/users/users.module';
import { createMediumContext, MediumContext } from './medium-context';

describe('EnrollmentsService.recordCompletion (medium: real repositories and database)', () => {
  let ctx: MediumContext;
  let service: EnrollmentsService;

  beforeAll(async () => {
    ctx = await createMediumContext([UsersModule, CoursesModule, EnrollmentsModule]);
    service = ctx.get(EnrollmentsService);
  });
  afterAll(() => ctx?.close());

  /** One lesson completed in its own transaction, as completeLesson and submit do. */
  async function record(enrollmentId: string, lessonId: string): Promise<void> {
    const { courseId } = await reload(enrollmentId);
    await ctx.dataSource.transaction((manager) =>
      service.recordCompletion(manager, { id: enrollmentId, courseId }, lessonId),
    );
  }

  const reload = (id: string) => ctx.dataSource.getRepository(Enrollment).findOneByOrFail({ id });

  /** Outbox rows about one enrollment: its events and jobs, and mails to its student. */
  async function outboxOf(enrollmentId: string) {
    const { studentId } = await reload(enrollmentId);
    const { email } = await ctx.dataSource.getRepository(User).findOneByOrFail({ id: studentId });
    return (await ctx.outbox()).filter((row) =>
      row.kind.startsWith('mail:')
        ? row.payload.to === email
        : JSON.stringify(row.payload).includes(enrollmentId),
    );
  }

  /** The kinds of the outbox rows about one enrollment, sorted. */
  const kinds = async (enrollmentId: string) =>
    (await outboxOf(enrollmentId)).map((row) => row.kind).sort();

  it('keeps the enrollment active until the last lesson, then completes it with its side effects', async () => {
    const course = await ctx.newCourse({ lessons: 3 });
    const enrollment = await ctx.newEnrollment({ course });

    await record(enrollment.id, course.lessons[0].id);
    await record(enrollment.id, course.lessons[1].id);
    expect(await reload(enrollment.id)).toMatchObject({
      status: 'active',
      completedLessons: 2,
      progressPercentage: '66.67',
      completedAt: null,
    });

    await record(enrollment.id, course.lessons[2].id);
    const done = await reload(enrollment.id);
    expect(done).toMatchObject({
      status: 'completed',
      completedLessons: 3,
      progressPercentage: '100.00',
    });
    expect(done.completedAt).toBeInstanceOf(Date);

    expect(await kinds(enrollment.id)).toEqual([
      'certificates:issue-certificate',
      'enrollment.completed',
      'lesson.completed',
      'lesson.completed',
      'lesson.completed',
      'mail:course-completed',
    ]);
  });

  it('records a lesson completed twice once: same count, one event, one progress row', async () => {
    const course = await ctx.newCourse({ lessons: 2 });
    const enrollment = await ctx.newEnrollment({ course });

    await record(enrollment.id, course.lessons[0].id);
    await record(enrollment.id, course.lessons[0].id);

    expect(await reload(enrollment.id)).toMatchObject({
      status: 'active',
      completedLessons: 1,
      progressPercentage: '50.00',
    });
    const [{ count }] = await ctx.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM lesson_progress WHERE enrollment_id = $1',
      [enrollment.id],
    );
    expect(count).toBe(1);
    expect(await kinds(enrollment.id)).toEqual(['lesson.completed']);
  });

  it('completes an enrollment once: a lesson added and completed later changes neither status nor completion', async () => {
    const course = await ctx.newCourse({ lessons: 1 });
    const enrollment = await ctx.newEnrollment({ course });
    await record(enrollment.id, course.lessons[0].id);
    const first = await reload(enrollment.id);
    expect(first.status).toBe('completed');

    const added = await ctx.newLesson(course);
    await record(enrollment.id, added.id);

    const after = await reload(enrollment.id);
    expect(after).toMatchObject({
      status: 'completed',
      completedLessons: 2,
      progressPercentage: '100.00',
      completedAt: first.completedAt,
    });
    expect(await kinds(enrollment.id)).toEqual([
      'certificates:issue-certificate',
      'enrollment.completed',
      'lesson.completed',
      'lesson.completed',
      'mail:course-completed',
    ]);
  });

  it('decides completion exactly once when the last two lessons are recorded at the same time', async () => {
    const course = await ctx.newCourse({ lessons: 2 });
    const enrollment = await ctx.newEnrollment({ course });

    await Promise.all(course.lessons.map((lesson) => record(enrollment.id, lesson.id)));

    expect(await reload(enrollment.id)).toMatchObject({ status: 'completed', completedLessons: 2 });
    expect(await kinds(enrollment.id)).toEqual([
      'certificates:issue-certificate',
      'enrollment.completed',
      'lesson.completed',
      'lesson.completed',
      'mail:course-completed',
    ]);
  });

  it('counts only the lessons of its own course', async () => {
    const course = await ctx.newCourse({ lessons: 2 });
    await ctx.newCourse({ lessons: 5 });
    const enrollment = await ctx.newEnrollment({ course });

    await record(enrollment.id, course.lessons[1].id);

    expect(await reload(enrollment.id)).toMatchObject({
      status: 'active',
      completedLessons: 1,
      progressPercentage: '50.00',
    });
  });
});
