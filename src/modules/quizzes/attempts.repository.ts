import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { GradingStatus, QuizAttempt } from './entities/quiz-attempt.entity';

/** Raised when the unique indexes refuse a second in-progress attempt or a duplicate number. */
export class AttemptClashError extends Error {}

@Injectable()
export class AttemptsRepository {
  constructor(@InjectRepository(QuizAttempt) private readonly attempts: Repository<QuizAttempt>) {}

  findById(id: string, manager?: EntityManager): Promise<QuizAttempt | null> {
    return (manager ? manager.getRepository(QuizAttempt) : this.attempts).findOneBy({ id });
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

  async insert(
    manager: EntityManager,
    data: QueryDeepPartialEntity<QuizAttempt>,
  ): Promise<QuizAttempt> {
    try {
      const result = await manager.getRepository(QuizAttempt).insert(data);
      return manager
        .getRepository(QuizAttempt)
        .findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === '23505'
      ) {
        throw new AttemptClashError();
      }
      throw error;
    }
  }

  /**
   * Moves an in-progress attempt to its final state. Conditional on `in_progress`, so of two
   * concurrent submits exactly one wins; returns whether this one did.
   */
  async finish(
    manager: EntityManager,
    id: string,
    changes: Partial<QuizAttempt>,
  ): Promise<boolean> {
    const result = await manager
      .getRepository(QuizAttempt)
      .createQueryBuilder()
      .update()
      // jsonb answers and results do not fit TypeORM's deep-partial type.
      .set(changes as QueryDeepPartialEntity<QuizAttempt>)
      .where('id = :id AND status = :status', { id, status: 'in_progress' })
      .execute();
    return (result.affected ?? 0) > 0;
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
