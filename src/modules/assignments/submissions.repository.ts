import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Submission, SubmissionStatus } from './entities/submission.entity';

/** Raised when the unique (assignment, student, version) index refuses a concurrent submit. */
export class SubmissionClashError extends Error {}

export interface SubmissionFilter {
  status?: SubmissionStatus;
  studentId?: string;
}

@Injectable()
export class SubmissionsRepository {
  constructor(@InjectRepository(Submission) private readonly submissions: Repository<Submission>) {}

  findById(id: string, manager?: EntityManager): Promise<Submission | null> {
    return (manager ? manager.getRepository(Submission) : this.submissions).findOneBy({ id });
  }

  /**
   * Serializes the submits of one student to one assignment until `manager`'s transaction ends
   * (a transaction-scoped advisory lock on its own connection), so each counts the versions the
   * previous one wrote; the unique index stays the backstop.
   */
  async holdStudentSlot(
    manager: EntityManager,
    assignmentId: string,
    studentId: string,
  ): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `submission:${assignmentId}:${studentId}`,
    ]);
  }

  /** The highest version the student submitted (0 when none). */
  async latestVersion(
    manager: EntityManager,
    assignmentId: string,
    studentId: string,
  ): Promise<number> {
    const row = await manager
      .getRepository(Submission)
      .createQueryBuilder('s')
      .select('coalesce(max(s.version), 0)::int', 'version')
      .where('s.assignment_id = :assignmentId AND s.student_id = :studentId', {
        assignmentId,
        studentId,
      })
      .getRawOne<{ version: number }>();
    return row?.version ?? 0;
  }

  async insert(
    manager: EntityManager,
    data: QueryDeepPartialEntity<Submission>,
  ): Promise<Submission> {
    try {
      const result = await manager.getRepository(Submission).insert(data);
      return manager
        .getRepository(Submission)
        .findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === '23505'
      ) {
        throw new SubmissionClashError();
      }
      throw error;
    }
  }

  /** Locks the submission's row for the rest of `manager`'s transaction (on its own connection). */
  lockById(manager: EntityManager, id: string): Promise<Submission | null> {
    return manager
      .getRepository(Submission)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async recordGrade(
    manager: EntityManager,
    id: string,
    grade: Pick<
      Submission,
      'score' | 'finalScore' | 'feedback' | 'rubricScores' | 'graderId' | 'gradedAt'
    >,
  ): Promise<void> {
    await manager
      .getRepository(Submission)
      .createQueryBuilder()
      .update()
      // jsonb rubric scores do not fit TypeORM's deep-partial type.
      .set({ ...grade, status: 'graded' })
      .where('id = :id', { id })
      .execute();
  }

  /** Every version of one student, newest first. */
  findHistory(
    assignmentId: string,
    studentId: string,
    status: SubmissionStatus | undefined,
    offset: number,
    limit: number,
  ): Promise<[Submission[], number]> {
    return this.submissions.findAndCount({
      where: { assignmentId, studentId, ...(status ? { status } : {}) },
      order: { version: 'DESC' },
      skip: offset,
      take: limit,
    });
  }

  /** The latest version of each student (optionally one), then filtered by status. */
  findLatestPerStudent(
    assignmentId: string,
    filter: SubmissionFilter,
    offset: number,
    limit: number,
  ): Promise<[Submission[], number]> {
    const query = this.submissions
      .createQueryBuilder('s')
      .where('s.assignment_id = :assignmentId', { assignmentId })
      .andWhere(
        `s.version = (SELECT max(x.version) FROM submissions x
                       WHERE x.assignment_id = s.assignment_id AND x.student_id = s.student_id)`,
      );
    if (filter.studentId) query.andWhere('s.student_id = :studentId', filter);
    if (filter.status) query.andWhere('s.status = :status', filter);
    return query
      .orderBy('s.submitted_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
  }

  /** The personal-data export: every version of the student's submissions, one query. */
  exportRowsOf(studentId: string): Promise<Array<Record<string, unknown> & { fileIds: string[] }>> {
    return this.submissions.query(
      `SELECT s.id, s.assignment_id AS "assignmentId", a.title AS "assignmentTitle", s.version,
              s.text, s.file_ids AS "fileIds", s.submitted_at AS "submittedAt", s.late, s.status,
              s.score::float8 AS score, s.final_score::float8 AS "finalScore", s.feedback,
              s.rubric_scores AS "rubricScores", s.graded_at AS "gradedAt"
         FROM submissions s LEFT JOIN assignments a ON a.id = s.assignment_id
        WHERE s.student_id = $1
        ORDER BY s.assignment_id, s.version`,
      [studentId],
    );
  }

  /** Erasure: the texts of the student's submissions go; grades and versions stay. */
  async clearTextsOf(manager: EntityManager, studentId: string): Promise<void> {
    await manager.query(
      'UPDATE submissions SET text = NULL, updated_at = now() WHERE student_id = $1 AND text IS NOT NULL',
      [studentId],
    );
  }
}
