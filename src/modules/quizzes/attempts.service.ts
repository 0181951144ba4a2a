import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import {
  AppError,
  BadRequestError,
  ForbiddenError,
  ValidationFailedError,
} from '../../common/errors/app-error';
import { AdmissionGate } from '../../common/concurrency/admission-gate';
import { Clock } from '../../common/time/clock';
import { databaseConfig } from '../../config/configuration';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { AccessService } from '../access/access.service';
import { AuditLog } from '../audit/audit-log.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { AttemptClashError, AttemptsRepository, NewAttempt } from './attempts.repository';
import {
  AttemptDetailResponse,
  AttemptResponse,
  StartedAttemptResponse,
  toAttemptResponse,
} from './dto/attempt.response';
import { EssayGradeDto } from './dto/grade-attempt.dto';
import { AttemptQuestionResponse, toAttemptQuestion } from './dto/question.response';
import { AnswerDto } from './dto/submit-attempt.dto';
import { Question } from './entities/question.entity';
import { GradingStatus, QuizAttempt } from './entities/quiz-attempt.entity';
import { Quiz } from './entities/quiz.entity';
import { drawQuestions, optionOrdersFor } from './drawing';
import { applyEssayGrades, GradeProblem, gradeAttempt, hasPassed, percentageOf } from './grading';
import { QuizDefinitions } from './quiz-definitions';
import { QuizzesRepository } from './quizzes.repository';
import { QuizzesService } from './quizzes.service';
import {
  AttemptAlreadySubmittedError,
  AttemptExpiredError,
  AttemptInProgressError,
  AttemptNotFoundError,
  AttemptNotPendingGradingError,
  MaxAttemptsReachedError,
} from './quizzes.errors';

/** A submit this long after `expiresAt` is still accepted (network and clock slack). */
export const SUBMIT_GRACE_MS = 30_000;

/**
 * Starts and submits in progress at once per pooled connection of this process. A whole class
 * pressing "start" together would otherwise put hundreds of requests on the pool at once, each
 * of their statements queueing behind all the others' until the pool's acquire timeout fails
 * them; the rest wait in the gate, holding nothing (bench/RESULTS.md, issue 23).
 */
export const ATTEMPT_ADMISSION_PER_CONNECTION = 2;

/** Attempts the periodic sweep closes per statement. */
const SWEEP_BATCH = 500;

/**
 * Timed quiz attempts, graded on the server. A start is one INSERT (the partial unique index and
 * the attempt limit decide in the statement), a submit one transaction touching the student's own
 * rows; the unique indexes and a conditional update decide races, so a whole class starting or
 * submitting at once neither deadlocks nor grades twice. The quiz's questions and answer keys come
 * from QuizDefinitions (kept in memory per definition version).
 */
@Injectable()
export class AttemptsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly attempts: AttemptsRepository,
    private readonly quizzes: QuizzesRepository,
    private readonly definitions: QuizDefinitions,
    private readonly quizzesService: QuizzesService,
    private readonly enrollments: EnrollmentsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
    @Inject(databaseConfig.KEY) db: ConfigType<typeof databaseConfig>,
  ) {
    this.gate = new AdmissionGate(ATTEMPT_ADMISSION_PER_CONNECTION * db.poolMax);
  }

  private readonly gate: AdmissionGate;

  /** Starts and submits pass the admission gate: see ATTEMPT_ADMISSION_PER_CONNECTION. */
  start(quizId: string, caller: AuthenticatedUser): Promise<StartedAttemptResponse> {
    return this.gate.run(() => this.startNow(quizId, caller));
  }

  submit(attemptId: string, caller: AuthenticatedUser, answers: AnswerDto[]) {
    return this.gate.run(() => this.submitNow(attemptId, caller, answers));
  }

  private async startNow(
    quizId: string,
    caller: AuthenticatedUser,
  ): Promise<StartedAttemptResponse> {
    const found = await this.quizzes.findForTaker(quizId, caller.id);
    const enrollment = found?.enrollment ?? null;
    this.access.assert(caller, 'quiz.take', {
      course: found?.course ?? null,
      quiz: found?.quiz ?? null,
      enrollment,
    });
    const { quiz } = found!;
    if (quiz.lessonId) {
      await this.enrollments.assertLessonAvailable(enrollment!, quiz.lessonId, {
        courseHasModules: found!.courseHasModules,
      });
    }
    const ordered = drawQuestions(quiz, await this.definitions.questionsOf(quiz));
    const optionOrders = optionOrdersFor(quiz, ordered);

    const now = this.clock.now();
    const attempt = await this.insertAttempt(quiz, {
      quizId: quiz.id,
      studentId: caller.id,
      enrollmentId: enrollment!.id,
      startedAt: now,
      expiresAt: quiz.timeLimitMinutes
        ? new Date(now.getTime() + quiz.timeLimitMinutes * 60_000)
        : null,
      questionOrder: ordered.map((question) => question.id),
      optionOrders,
    });
    return {
      attempt: toAttemptResponse(attempt, quiz.showCorrectAnswers),
      questions: this.presentQuestions(attempt, ordered),
    };
  }

  /**
   * Grades and records the answers. Answers to questions outside the attempt, or two answers to
   * one question, are 400 and change nothing; a late submit (past expiresAt + 30 s) records the
   * attempt as expired with score 0 and is 409 ATTEMPT_EXPIRED.
   */
  private async submitNow(
    attemptId: string,
    caller: AuthenticatedUser,
    answers: AnswerDto[],
  ): Promise<AttemptResponse> {
    const facts = await this.attempts.findForSubmit(attemptId);
    if (!facts) throw new AttemptNotFoundError();
    const { attempt, enrollment } = facts;
    this.access.assert(caller, 'attempt.submit', { attempt, enrollment });
    const quiz = await this.definitions.quizOf(facts.quiz);
    if (!quiz) throw new AttemptNotFoundError();
    if (attempt.status === 'expired') throw new AttemptExpiredError();
    if (attempt.status === 'submitted') throw new AttemptAlreadySubmittedError();
    const answerMap = this.answerMap(attempt, answers);

    const now = this.clock.now();
    if (this.isPastDeadline(attempt, now)) {
      await this.attempts.expire(this.dataSource.manager, { ids: [attempt.id] });
      throw new AttemptExpiredError();
    }

    const questions = await this.questionsInOrder(attempt, quiz);
    const graded = gradeAttempt(questions, answerMap);
    // With essays pending, nothing is decided until a person grades them.
    const passed =
      graded.gradingStatus === 'pending'
        ? null
        : hasPassed(graded.percentage, quiz.passingScorePercentage);
    const submitted = await this.dataSource.transaction(async (manager) => {
      const saved = await this.attempts.finish(manager, attempt.id, {
        submittedAt: now,
        answers: answers.map((a) => ({ questionId: a.questionId, answer: a.answer })),
        results: graded.results,
        score: graded.score,
        maxScore: graded.maxScore,
        percentage: String(graded.percentage),
        passed,
        gradingStatus: graded.gradingStatus,
      });
      if (!saved) throw new AttemptAlreadySubmittedError();
      return this.finalize(manager, saved, quiz, passed === true, 'quiz.attempt.submitted', saved);
    });
    return toAttemptResponse(submitted, quiz.showCorrectAnswers);
  }

  /**
   * The student, the course's instructor and admins: the attempt with its questions as the
   * student sees them (drawn set, order and option order fixed at the start, never answers).
   */
  async get(attemptId: string, caller: AuthenticatedUser): Promise<AttemptDetailResponse> {
    await this.access.require(caller, 'attempt.read', attemptId);
    let attempt = await this.attempts.findById(attemptId);
    if (!attempt) throw new AttemptNotFoundError();
    const quiz = (await this.quizzes.findById(attempt.quizId))!;
    if (attempt.status === 'in_progress' && this.isPastDeadline(attempt, this.clock.now())) {
      await this.attempts.expire(this.dataSource.manager, { ids: [attempt.id] });
      attempt = (await this.attempts.findById(attemptId))!;
    }
    return {
      ...toAttemptResponse(attempt, quiz.showCorrectAnswers),
      questions: this.presentQuestions(attempt, await this.questionsInOrder(attempt, quiz)),
    };
  }

  /**
   * A person grades the essays of a submitted attempt (course owner, admin: `quiz.manage` on its
   * quiz). Once no essay is left, score, percentage and passed are final, a passed lesson-tied
   * quiz completes its lesson and `quiz.attempt.graded` is written to the outbox. The attempt's
   * row is locked on the transaction's own connection and re-read under the lock, so parallel
   * graders apply one after the other and exactly one of them finishes it.
   */
  async grade(
    attemptId: string,
    caller: AuthenticatedUser,
    grades: EssayGradeDto[],
  ): Promise<AttemptResponse> {
    const found = await this.attempts.findById(attemptId);
    if (!found) throw new AttemptNotFoundError();
    const { quiz } = await this.quizzesService.findAllowed(found.quizId, caller, 'quiz.manage');
    if (found.gradingStatus !== 'pending') throw new AttemptNotPendingGradingError();
    const graded = await this.dataSource.transaction(async (manager) => {
      const attempt = (await this.attempts.lockById(manager, attemptId))!;
      if (attempt.gradingStatus !== 'pending') throw new AttemptNotPendingGradingError();
      const outcome = applyEssayGrades(attempt.results ?? [], grades);
      if (!outcome.ok) throw gradeError(outcome.problem);
      const percentage = percentageOf(outcome.score, attempt.maxScore ?? 0);
      const passed = outcome.complete ? hasPassed(percentage, quiz.passingScorePercentage) : null;
      const status: GradingStatus = outcome.complete ? 'graded' : 'pending';
      await this.attempts.recordGrades(manager, attempt.id, {
        results: outcome.results,
        score: outcome.score,
        percentage: String(percentage),
        passed,
        gradingStatus: status,
      });
      await this.audit.record(manager, {
        action: 'attempt.graded',
        resourceId: attempt.id,
        changes: { score: outcome.score, percentage, passed, gradingStatus: status },
      });
      if (!outcome.complete) return (await this.attempts.findById(attempt.id, manager))!;
      return this.finalize(manager, attempt, quiz, passed === true, 'quiz.attempt.graded');
    });
    return toAttemptResponse(graded, quiz.showCorrectAnswers);
  }

  /**
   * The end of a submit or of manual grading, inside its transaction: the event is written and a
   * passed lesson-tied quiz completes its lesson (the event goes into the completion's outbox
   * statement).
   */
  private async finalize(
    manager: EntityManager,
    attempt: QuizAttempt,
    quiz: Quiz,
    passed: boolean,
    event: 'quiz.attempt.submitted' | 'quiz.attempt.graded',
    /** The attempt as its final update returned it; read again on `manager` when absent. */
    written?: QuizAttempt,
  ): Promise<QuizAttempt> {
    const saved = written ?? (await this.attempts.findById(attempt.id, manager))!;
    const events = [domainEventJob(event, toAttemptResponse(saved, quiz.showCorrectAnswers))];
    if (passed && quiz.lessonId) {
      await this.enrollments.recordCompletion(
        manager,
        { id: attempt.enrollmentId, courseId: quiz.courseId },
        quiz.lessonId,
        events,
      );
    } else {
      await this.outbox.add(manager, ...events);
    }
    return saved;
  }

  /** Own attempts; the course's instructor and admins see everyone's (or one `studentId`'s). */
  async list(
    quizId: string,
    caller: AuthenticatedUser,
    filter: { studentId?: string; gradingStatus?: GradingStatus } = {},
  ): Promise<AttemptResponse[]> {
    const { studentId, gradingStatus } = filter;
    const { quiz, course } = await this.quizzesService.findAllowed(quizId, caller, 'quiz.view');
    const manager = this.access.can(caller, 'quiz.manage', { course, quiz });
    if (!manager && studentId && studentId !== caller.id) {
      throw new ForbiddenError('You can only list your own attempts');
    }
    const forStudent = manager ? studentId : caller.id;
    let attempts = await this.attempts.findForQuiz(quiz.id, forStudent, gradingStatus);
    // As in get(): attempts past their deadline are recorded as expired before they are shown.
    const now = this.clock.now();
    const stale = attempts.filter(
      (attempt) => attempt.status === 'in_progress' && this.isPastDeadline(attempt, now),
    );
    if (stale.length > 0) {
      await this.attempts.expire(this.dataSource.manager, { ids: stale.map((a) => a.id) });
      attempts = await this.attempts.findForQuiz(quiz.id, forStudent, gradingStatus);
    }
    return attempts.map((attempt) => toAttemptResponse(attempt, quiz.showCorrectAnswers));
  }

  private isPastDeadline(attempt: QuizAttempt, now: Date): boolean {
    return (
      attempt.expiresAt !== null && now.getTime() > attempt.expiresAt.getTime() + SUBMIT_GRACE_MS
    );
  }

  /**
   * The start's write: one INSERT that the partial unique index (one attempt in progress) and the
   * attempt limit may refuse. Only when refused does it look why: an attempt in progress past its
   * deadline is closed as expired and the insert tried again; one still running is 409
   * ATTEMPT_IN_PROGRESS; otherwise the limit was reached (409 MAX_ATTEMPTS_REACHED).
   */
  private async insertAttempt(quiz: Quiz, data: NewAttempt): Promise<QuizAttempt> {
    const manager = this.dataSource.manager;
    for (let round = 0; round < 2; round++) {
      let attempt: QuizAttempt | null;
      try {
        attempt = await this.attempts.insertIfAllowed(data, quiz.maxAttempts);
      } catch (error) {
        // A parallel start of the same student took the next attempt number.
        if (error instanceof AttemptClashError) throw new AttemptInProgressError();
        throw error;
      }
      if (attempt) return attempt;
      const current = await this.attempts.findInProgress(manager, data.quizId, data.studentId);
      if (!current) {
        if (quiz.maxAttempts !== null) {
          const used = await this.attempts.count(manager, data.quizId, data.studentId);
          if (used >= quiz.maxAttempts) throw new MaxAttemptsReachedError();
        }
        // The attempt in progress was finished in between: try once more.
        continue;
      }
      if (!this.isPastDeadline(current, data.startedAt)) throw new AttemptInProgressError();
      await this.attempts.expire(manager, { ids: [current.id] });
    }
    throw new AttemptInProgressError();
  }

  /**
   * The periodic sweep: attempts abandoned past their deadline (and the submit grace) are closed
   * as expired, so analytics and rosters count them without anyone reading them first. Reads
   * close them too. Returns how many were closed.
   */
  async closeAbandoned(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - SUBMIT_GRACE_MS);
    let closed = 0;
    for (;;) {
      const batch = await this.attempts.expire(this.dataSource.manager, {
        before,
        limit: SWEEP_BATCH,
      });
      closed += batch;
      if (batch < SWEEP_BATCH) return closed;
    }
  }

  private answerMap(attempt: QuizAttempt, answers: AnswerDto[]): Map<string, unknown> {
    const allowed = new Set(attempt.questionOrder);
    const map = new Map<string, unknown>();
    for (const [index, { questionId, answer }] of answers.entries()) {
      if (!allowed.has(questionId)) {
        throw new BadRequestError('An answer refers to a question outside this quiz', [
          { field: `answers.${index}.questionId`, message: 'not a question of this attempt' },
        ]);
      }
      if (map.has(questionId)) {
        throw new BadRequestError('A question was answered twice', [
          { field: `answers.${index}.questionId`, message: 'answered more than once' },
        ]);
      }
      map.set(questionId, answer);
    }
    return map;
  }

  private presentQuestions(attempt: QuizAttempt, questions: Question[]): AttemptQuestionResponse[] {
    return questions.map((question, index) =>
      toAttemptQuestion(question, index + 1, attempt.optionOrders?.[question.id]),
    );
  }

  /** The attempt's questions in its order, from the quiz's current definition (questions deleted
   * since the start are left out). */
  private async questionsInOrder(attempt: QuizAttempt, quiz: Quiz): Promise<Question[]> {
    const byId = new Map(
      (await this.definitions.questionsOf(quiz)).map((question) => [question.id, question]),
    );
    return attempt.questionOrder.flatMap((id) => byId.get(id) ?? []);
  }
}

/** A refused grade as the API reports it: 400 for questions it may not grade, 422 for points. */
function gradeError(problem: GradeProblem): AppError {
  const field = `grades.${problem.index}`;
  switch (problem.kind) {
    case 'unknown_question':
      return new BadRequestError('A grade refers to a question outside this attempt', [
        { field: `${field}.questionId`, message: 'not a question of this attempt' },
      ]);
    case 'not_essay':
      return new BadRequestError('Only essay questions are graded by a person', [
        { field: `${field}.questionId`, message: 'not an essay question (graded automatically)' },
      ]);
    case 'graded_twice':
      return new BadRequestError('An essay was graded twice', [
        { field: `${field}.questionId`, message: 'graded more than once' },
      ]);
    case 'out_of_bounds':
      return new ValidationFailedError([
        {
          field: `${field}.pointsAwarded`,
          message: `pointsAwarded must be between 0 and the question's ${problem.points} points`,
        },
      ]);
  }
}
