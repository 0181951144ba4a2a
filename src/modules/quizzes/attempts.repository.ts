import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { EnrollmentStanding } from '../access/access.policy';
import { GradingStatus, QuizAttempt } from './entities/quiz-attempt.entity';

/** Raised when the unique indexes refuse a second in-progress attempt or a duplicate number. */
export class AttemptClashError extends Error {}

/** What a start writes; the number and the timestamps of the row are the database's. */
export interface NewAttempt {
  quizId: string;
  studentId: string;
  enrollmentId: string;
  startedAt: Date;
  expiresAt: Date | null;
  questionOrder: string[];
  optionOrders: Record<string, string[]> | null;
}

/** What a submit records (AttemptsRepository.finish). */
export type SubmitOutcome = Pick<
  QuizAttempt,
  | 'submittedAt'
  | 'answers'
  | 'results'
  | 'score'
  | 'maxScore'
  | 'percentage'
  | 'passed'
  | 'gradingStatus'
>;

/** See AttemptsRepository.findForSubmit. */
export interface SubmitFacts {
  attempt: QuizAttempt;
  quiz: { id: string; definitionVersion: number };
  enrollment: EnrollmentStanding | null;
}

/** A quiz_attempts row as the driver returns it (RETURNING *). */
interface AttemptRow {
  id: string;
  quiz_id: string;
  student_id: string;
  enrollment_id: string;
  attempt_number: number;
  status: QuizAttempt['status'];
  started_at: Date;
  expires_at: Date | null;
  submitted_at: Date | null;
  question_order: string[];
  option_orders: Record<string, string[]> | null;
  grading_status: GradingStatus;
  answers: QuizAttempt['answers'];
  results: QuizAttempt['results'];
  score: number | null;
  max_score: number | null;
  percentage: string | null;
  passed: boolean | null;
  created_at: Date;
  updated_at: Date;
}

/** The entity of a raw row (the driver already gives Dates, numbers and parsed jsonb). */
function fromRow(row: AttemptRow): QuizAttempt {
  return Object.assign(new QuizAttempt(), {
    id: row.id,
    quizId: row.quiz_id,
    studentId: row.student_id,
    enrollmentId: row.enrollment_id,
    attemptNumber: row.attempt_number,
    status: row.status,
    startedAt: row.started_at,
    expiresAt: row.expires_at,
    submittedAt: row.submitted_at,
    questionOrder: row.question_order,
    optionOrders: row.option_orders,
    gradingStatus: row.grading_status,
    answers: row.answers,
    results: row.results,
    score: row.score,
    maxScore: row.max_score,
    percentage: row.percentage,
    passed: row.passed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505'
  );
}

@Injectable()
export class AttemptsRepository {
  constructor(@InjectRepository(QuizAttempt) private readonly attempts: Repository<QuizAttempt>) {}

  /** Plain SQL, mapped by hand: read by every submit and attempt view (no query builder). */
  async findById(id: string, manager?: EntityManager): Promise<QuizAttempt | null> {
    const rows = await (manager ?? this.attempts.manager).query<AttemptRow[]>(
      'SELECT * FROM quiz_attempts WHERE id = $1',
      [id],
    );
    return rows.length > 0 ? fromRow(rows[0]) : null;
  }

  findInProgress(
    manager: EntityManager,
    quizId: string,
    studentId: string,
  ): Promise<QuizAttempt | null> {
    return manager
      .getRepository(QuizAttempt)
      .findOneBy({ quizId, studentId, status: 'in_progress' });
  }

  count(manager: EntityManager, quizId: string, studentId: string): Promise<number> {
    return manager.getRepository(QuizAttempt).countBy({ quizId, studentId });
  }

  /**
   * Starts an attempt in ONE statement (no transaction): numbered after the student's attempts so
   * far, inserted only while `maxAttempts` (null: no limit) allows it, and only when the student
   * has no attempt of the quiz in progress: the partial unique index ux_quiz_attempts_in_progress
   * is the arbiter of `ON CONFLICT DO NOTHING`, so of two parallel starts exactly one inserts.
   * Returns the new attempt, or null when the limit or an attempt in progress refused it; a clash
   * on the attempt number (ux_quiz_attempts_number, a parallel start) is AttemptClashError.
   */
  /**
   * What a submit decides on, in one statement: the attempt, the current definition version of
   * its quiz (the quiz row and questions then come from QuizDefinitions) and the standing of the
   * enrollment it was started under (null when that enrollment is gone).
   */
  async findForSubmit(id: string): Promise<SubmitFacts | null> {
    const rows = await this.attempts.query<
      Array<AttemptRow & { quiz_version: number; enrollment_status: string | null }>
    >(
      `SELECT a.*, q.definition_version AS quiz_version, e.status AS enrollment_status
         FROM quiz_attempts a
         JOIN quizzes q ON q.id = a.quiz_id
         LEFT JOIN enrollments e ON e.id = a.enrollment_id
        WHERE a.id = $1`,
      [id],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      attempt: fromRow(row),
      quiz: { id: row.quiz_id, definitionVersion: row.quiz_version },
      enrollment: row.enrollment_status === null ? null : { status: row.enrollment_status },
    };
  }

  async insertIfAllowed(data: NewAttempt, maxAttempts: number | null): Promise<QuizAttempt | null> {
    try {
      const rows = await this.attempts.query<AttemptRow[]>(
        `INSERT INTO quiz_attempts (quiz_id, student_id, enrollment_id, attempt_number, started_at,
                                    expires_at, question_order, option_orders)
         SELECT $1, $2, $3, used.n + 1, $4, $5, $6, $7
           FROM (SELECT count(*)::int AS n FROM quiz_attempts
                  WHERE quiz_id = $1 AND student_id = $2) used
          WHERE $8::int IS NULL OR used.n < $8::int
         ON CONFLICT (quiz_id, student_id) WHERE status = 'in_progress' DO NOTHING
         RETURNING *`,
        [
          data.quizId,
          data.studentId,
          data.enrollmentId,
          data.startedAt,
          data.expiresAt,
          JSON.stringify(data.questionOrder),
          data.optionOrders === null ? null : JSON.stringify(data.optionOrders),
          maxAttempts,
        ],
      );
      return rows.length > 0 ? fromRow(rows[0]) : null;
    } catch (error) {
      if (isUniqueViolation(error)) throw new AttemptClashError();
      throw error;
    }
  }

  /**
   * Moves an in-progress attempt to its final state. Conditional on `in_progress`, so of two
   * concurrent submits exactly one wins; returns whether this one did.
   */
  /**
   * Records a submit's outcome unless the attempt is no longer in progress (null then: a parallel
   * submit won). Plain SQL, one statement: every submit passes here.
   */
  async finish(
    manager: EntityManager,
    id: string,
    outcome: SubmitOutcome,
  ): Promise<QuizAttempt | null> {
    const [rows] = await manager.query<[AttemptRow[], number]>(
      `UPDATE quiz_attempts
          SET status = 'submitted', submitted_at = $2, answers = $3, results = $4, score = $5,
              max_score = $6, percentage = $7, passed = $8, grading_status = $9,
              updated_at = now()
        WHERE id = $1 AND status = 'in_progress'
       RETURNING *`,
      [
        id,
        outcome.submittedAt,
        JSON.stringify(outcome.answers),
        JSON.stringify(outcome.results),
        outcome.score,
        outcome.maxScore,
        outcome.percentage,
        outcome.passed,
        outcome.gradingStatus,
      ],
    );
    return rows.length > 0 ? fromRow(rows[0]) : null;
  }

  /**
   * Closes in-progress attempts as expired: score 0 out of the points of the attempt's questions.
   * Either the given ones, or (the periodic sweep) up to `limit` whose deadline is before
   * `before`, skipping rows a submit holds. One statement; returns how many were closed.
   */
  async expire(
    manager: EntityManager,
    which: { ids: string[] } | { before: Date; limit: number },
  ): Promise<number> {
    const [target, params] =
      'ids' in which
        ? ['a.id = ANY($1::uuid[])', [which.ids]]
        : [
            `a.id IN (SELECT id FROM quiz_attempts
                       WHERE status = 'in_progress' AND expires_at < $1
                       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
            [which.before, which.limit],
          ];
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE quiz_attempts a
          SET status = 'expired', score = 0, percentage = 0, passed = false, updated_at = now(),
              max_score = (SELECT coalesce(sum(q.points), 0)::int FROM questions q
                            WHERE q.id::text IN (SELECT jsonb_array_elements_text(a.question_order)))
        WHERE ${target} AND a.status = 'in_progress'
        RETURNING a.id`,
      params,
    );
    return rows.length;
  }

  /** Locks the attempt's row for the rest of `manager`'s transaction (on its own connection). */
  lockById(manager: EntityManager, id: string): Promise<QuizAttempt | null> {
    return manager
      .getRepository(QuizAttempt)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Records manual grades of an attempt whose row `manager`'s transaction holds (lockById). */
  async recordGrades(
    manager: EntityManager,
    id: string,
    changes: Pick<QuizAttempt, 'results' | 'score' | 'percentage' | 'passed' | 'gradingStatus'>,
  ): Promise<void> {
    await manager
      .getRepository(QuizAttempt)
      .createQueryBuilder()
      .update()
      // jsonb results do not fit TypeORM's deep-partial type.
      .set(changes as QueryDeepPartialEntity<QuizAttempt>)
      .where('id = :id AND grading_status = :pending', { id, pending: 'pending' })
      .execute();
  }

  findForQuiz(
    quizId: string,
    studentId?: string,
    gradingStatus?: GradingStatus,
  ): Promise<QuizAttempt[]> {
    return this.attempts.find({
      where: {
        quizId,
        ...(studentId ? { studentId } : {}),
        ...(gradingStatus ? { gradingStatus } : {}),
      },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  /** The personal-data export: the student's attempts with answers and results, one query. */
  exportRowsOf(studentId: string): Promise<Array<Record<string, unknown>>> {
    return this.attempts.query(
      `SELECT a.id, a.quiz_id AS "quizId", q.title AS "quizTitle",
              a.attempt_number AS "attemptNumber", a.status, a.grading_status AS "gradingStatus",
              a.started_at AS "startedAt", a.submitted_at AS "submittedAt", a.answers, a.results,
              a.score, a.max_score AS "maxScore", a.percentage::float8 AS percentage, a.passed
         FROM quiz_attempts a LEFT JOIN quizzes q ON q.id = a.quiz_id
        WHERE a.student_id = $1
        ORDER BY a.started_at, a.id`,
      [studentId],
    );
  }
}
