import { AppError } from '../../src/common/errors/app-error';
import { CoursesModule } from '../../src/modules/courses/courses.module';
import { Enrollment } from '../../src/modules/enrollments/entities/enrollment.entity';
import { EnrollmentsModule } from '../../src/modules/enrollments/enrollments.module';
import { AttemptsService, SUBMIT_GRACE_MS } from '../../src/modules/quizzes/attempts.service';
import { QuizAttempt } from '../../src/modules/quizzes/entities/quiz-attempt.entity';
import { QuizzesModule } from '../../src/modules/quizzes/quizzes.module';
import { UsersModule } from '../../src/modules/users/users.module';
import { createMediumContext, MediumContext } from './medium-context';

const MINUTE = 60_000;

describe('AttemptsService grading (medium: real repositories and database)', () => {
  let ctx: MediumContext;
  let attempts: AttemptsService;

  beforeAll(async () => {
    ctx = await createMediumContext([UsersModule, CoursesModule, EnrollmentsModule, QuizzesModule]);
    attempts = ctx.get(AttemptsService);
  });
  afterAll(() => ctx?.close());

  const reload = (id: string) => ctx.dataSource.getRepository(QuizAttempt).findOneByOrFail({ id });

  /** A 10-minute quiz worth 2 + 3 points (a true/false and a multiple choice), one learner. */
  async function timedQuiz(settings: { lessonId?: string } = {}) {
    const course = await ctx.newCourse({ lessons: 1 });
    const quiz = await ctx.newQuiz(course, {
      timeLimitMinutes: 10,
      passingScorePercentage: 60,
      ...settings,
      questions: [
        { type: 'true_false', correctAnswer: true, points: 2 },
        { type: 'multiple_choice', options: ['a', 'b'], correctAnswer: 'b', points: 3 },
      ],
    });
    const enrollment = await ctx.newEnrollment({ course });
    return { course, quiz, enrollment };
  }

  const rightAnswers = (quiz: { questions: Array<{ id: string; correctAnswer: unknown }> }) =>
    quiz.questions.map((q) => ({ questionId: q.id, answer: q.correctAnswer }));

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }

  it('grades a submit inside the grace period on the server', async () => {
    const { quiz, enrollment } = await timedQuiz();
    const start = new Date('2030-01-01T10:00:00Z');
    const attempt = await ctx.newAttempt({ quiz, enrollment, startedAt: start });
    ctx.clock.set(new Date(start.getTime() + 10 * MINUTE + SUBMIT_GRACE_MS - 1_000));

    const caller = await ctx.caller({ id: enrollment.studentId });
    const [first, second] = quiz.questions;
    const result = await attempts.submit(attempt.id, caller, [
      { questionId: first.id, answer: true },
      { questionId: second.id, answer: 'a' },
    ]);

    expect(result).toMatchObject({ status: 'submitted', score: 2, maxScore: 5, percentage: 40 });
    expect(result.passed).toBe(false);
    expect(await reload(attempt.id)).toMatchObject({ status: 'submitted', score: 2, maxScore: 5 });
  });

  it('records a submit after the deadline and grace as expired with score 0 and the full maxScore', async () => {
    const { quiz, enrollment } = await timedQuiz();
    const start = new Date('2030-01-01T10:00:00Z');
    const attempt = await ctx.newAttempt({ quiz, enrollment, startedAt: start });
    ctx.clock.set(new Date(start.getTime() + 10 * MINUTE + SUBMIT_GRACE_MS + 1_000));

    const caller = await ctx.caller({ id: enrollment.studentId });
    expect(await codeOf(attempts.submit(attempt.id, caller, rightAnswers(quiz)))).toBe(
      'ATTEMPT_EXPIRED',
    );

    expect(await reload(attempt.id)).toMatchObject({
      status: 'expired',
      score: 0,
      maxScore: 5,
      percentage: '0.00',
      passed: false,
      submittedAt: null,
    });
    // Expired is final: a second submit does not grade it.
    expect(await codeOf(attempts.submit(attempt.id, caller, rightAnswers(quiz)))).toBe(
      'ATTEMPT_EXPIRED',
    );
    expect((await reload(attempt.id)).score).toBe(0);
  });

  it('completes the linked lesson in the submit transaction when the quiz is passed', async () => {
    const { course, quiz, enrollment } = await timedQuiz();
    await ctx.dataSource.query('UPDATE quizzes SET lesson_id = $1 WHERE id = $2', [
      course.lessons[0].id,
      quiz.id,
    ]);
    ctx.clock.set(new Date());
    const attempt = await ctx.newAttempt({ quiz, enrollment });

    const caller = await ctx.caller({ id: enrollment.studentId });
    const result = await attempts.submit(attempt.id, caller, rightAnswers(quiz));

    expect(result).toMatchObject({ status: 'submitted', score: 5, maxScore: 5, passed: true });
    expect(
      await ctx.dataSource.getRepository(Enrollment).findOneByOrFail({ id: enrollment.id }),
    ).toMatchObject({ status: 'completed', completedLessons: 1 });
  });

  describe('the periodic sweep (closeAbandoned)', () => {
    it('closes only in-progress attempts past deadline and grace, with their maxScore', async () => {
      const now = new Date('2031-06-01T12:00:00Z');
      ctx.clock.set(now);
      const { quiz, enrollment } = await timedQuiz();
      const other = await ctx.newEnrollment({ course: { id: quiz.courseId } });
      const third = await ctx.newEnrollment({ course: { id: quiz.courseId } });
      const untimed = await ctx.newQuiz({ id: quiz.courseId }, { questions: [{ points: 4 }] });
      const ago = (ms: number) => new Date(now.getTime() - ms);

      const abandoned = await ctx.newAttempt({
        quiz,
        enrollment,
        startedAt: ago(20 * MINUTE),
        expiresAt: ago(SUBMIT_GRACE_MS + 1_000),
      });
      const inGrace = await ctx.newAttempt({
        quiz,
        enrollment: other,
        startedAt: ago(10 * MINUTE + 5_000),
        expiresAt: ago(5_000),
      });
      const noLimit = await ctx.newAttempt({
        quiz: untimed,
        enrollment: third,
        startedAt: ago(600 * MINUTE),
      });

      expect(await attempts.closeAbandoned()).toBe(1);

      expect(await reload(abandoned.id)).toMatchObject({
        status: 'expired',
        score: 0,
        maxScore: 5,
        passed: false,
      });
      expect(await reload(inGrace.id)).toMatchObject({ status: 'in_progress', score: null });
      expect(await reload(noLimit.id)).toMatchObject({ status: 'in_progress', expiresAt: null });

      // Nothing left to close: a second run changes nothing.
      expect(await attempts.closeAbandoned()).toBe(0);
    });

    it('leaves submitted attempts alone, whatever their deadline', async () => {
      const start = new Date('2032-01-01T09:00:00Z');
      ctx.clock.set(start);
      const { quiz, enrollment } = await timedQuiz();
      const attempt = await ctx.newAttempt({ quiz, enrollment });
      const caller = await ctx.caller({ id: enrollment.studentId });
      await attempts.submit(attempt.id, caller, rightAnswers(quiz));

      ctx.clock.advance(24 * 60 * MINUTE);
      await attempts.closeAbandoned();
      expect(await reload(attempt.id)).toMatchObject({
        status: 'submitted',
        score: 5,
        maxScore: 5,
        passed: true,
      });
    });
  });
});
