import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import {
  ForbiddenError,
  NotFoundError,
  ValidationFailedError,
} from '../../common/errors/app-error';
import type { ErrorDetail } from '../../common/errors/app-error';
import { Paginated } from '../../common/dto/paginated';
import { Clock } from '../../common/time/clock';
import { appConfig } from '../../config/configuration';
import { mailJob } from '../../infra/mail/mail.service';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { AccessService } from '../access/access.service';
import { AuditLog } from '../audit/audit-log.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { Download, FilesService } from '../files/files.service';
import { UsersService } from '../users/users.service';
import { AssignmentsService } from './assignments.service';
import {
  AlreadySubmittedError,
  AssignmentClosedError,
  SubmissionNotFoundError,
} from './assignments.errors';
import { CreateSubmissionDto } from './dto/create-submission.dto';
import { GradeSubmissionDto } from './dto/grade-submission.dto';
import { ListSubmissionsQuery } from './dto/list-submissions.query';
import {
  SubmissionLookups,
  SubmissionResponse,
  toSubmissionResponse,
} from './dto/submission.response';
import type { Assignment } from './entities/assignment.entity';
import type { Submission } from './entities/submission.entity';
import { finalScoreOf, passes, scoreOf } from './scoring';
import { SubmissionClashError, SubmissionsRepository } from './submissions.repository';

/** Concurrent submits of one student retry this often after losing the version index. */
const SUBMIT_TRIES = 3;

/**
 * Versioned submissions and their grading. The unique (assignment, student, version) index
 * decides concurrent submits; grading locks the submission's row on the transaction's own
 * connection, so parallel graders apply one after the other and an identical regrade changes
 * nothing and writes no event.
 */
@Injectable()
export class SubmissionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsRepository,
    private readonly assignments: AssignmentsService,
    private readonly enrollments: EnrollmentsService,
    private readonly files: FilesService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  async submit(
    assignmentId: string,
    caller: AuthenticatedUser,
    dto: CreateSubmissionDto,
  ): Promise<SubmissionResponse> {
    const { assignment, course } = await this.assignments.findAllowed(
      assignmentId,
      caller,
      'assignment.view',
    );
    const enrollment = await this.enrollments.findForStudent(caller.id, assignment.courseId);
    this.access.assert(caller, 'assignment.submit', {
      course,
      assignment,
      enrollment,
    });
    if (assignment.lessonId) {
      await this.enrollments.assertLessonAvailable(enrollment!, assignment.lessonId);
    }
    assertFitsTypes(assignment, dto);
    const fileIds = dto.fileIds ?? [];
    const files = await this.files.ownedBy(fileIds, caller.id);
    if (files.length !== fileIds.length) throw new NotFoundError('File');

    const now = this.clock.now();
    const late = assignment.dueAt !== null && now.getTime() > assignment.dueAt.getTime();
    if (late && !assignment.allowLateSubmissions) throw new AssignmentClosedError();
    // Read before the transaction: the event's body needs them, and no second connection is
    // taken while the transaction holds the version index.
    const lookups: SubmissionLookups = {
      people: await this.users.summaries([caller.id]),
      files: new Map(files.map((file) => [file.id, file])),
    };

    for (let attempt = 1; ; attempt++) {
      try {
        const saved = await this.dataSource.transaction(async (manager) => {
          await this.submissions.holdStudentSlot(manager, assignment.id, caller.id);
          await this.files.holdOwned(manager, fileIds, caller.id);
          const latest = await this.submissions.latestVersion(manager, assignment.id, caller.id);
          if (latest > 0 && !assignment.allowResubmission) throw new AlreadySubmittedError();
          const submission = await this.submissions.insert(manager, {
            assignmentId: assignment.id,
            studentId: caller.id,
            enrollmentId: enrollment!.id,
            version: latest + 1,
            text: dto.text ?? null,
            fileIds,
            submittedAt: now,
            late,
          });
          await this.outbox.add(
            manager,
            domainEventJob('assignment.submitted', toSubmissionResponse(submission, lookups)),
          );
          return submission;
        });
        return toSubmissionResponse(saved, lookups);
      } catch (error) {
        // A concurrent submit of the same student took this version: count again.
        if (error instanceof SubmissionClashError && attempt < SUBMIT_TRIES) continue;
        if (error instanceof SubmissionClashError) throw new AlreadySubmittedError();
        throw error;
      }
    }
  }

  /** Students: their own versions; the course's owner and admins: the latest per student. */
  async list(
    assignmentId: string,
    caller: AuthenticatedUser,
    query: ListSubmissionsQuery,
  ): Promise<Paginated<SubmissionResponse>> {
    const { assignment, course } = await this.assignments.findAllowed(
      assignmentId,
      caller,
      'assignment.view',
    );
    const manages = this.access.can(caller, 'assignment.manage', { course, assignment });
    if (!manages && query.studentId && query.studentId !== caller.id) {
      throw new ForbiddenError('You can only list your own submissions');
    }
    const offset = Paginated.offset(query.page, query.pageSize);
    const [rows, total] = manages
      ? await this.submissions.findLatestPerStudent(
          assignment.id,
          { status: query.status, studentId: query.studentId },
          offset,
          query.pageSize,
        )
      : await this.submissions.findHistory(
          assignment.id,
          caller.id,
          query.status,
          offset,
          query.pageSize,
        );
    const lookups = await this.lookupsFor(rows);
    return new Paginated(rows, total, query.page, query.pageSize).map((row) =>
      toSubmissionResponse(row, lookups),
    );
  }

  async get(id: string, caller: AuthenticatedUser): Promise<SubmissionResponse> {
    const submission = await this.submissions.findById(id);
    if (!submission) throw new SubmissionNotFoundError();
    const { course } = await this.assignments.findWithCourse(submission.assignmentId);
    this.access.assert(caller, 'submission.read', { course, submission });
    return toSubmissionResponse(submission, await this.lookupsFor([submission]));
  }

  /** A file attached to the submission, for whoever may read the submission. */
  async download(id: string, fileId: string, caller: AuthenticatedUser): Promise<Download> {
    const submission = await this.submissions.findById(id);
    if (!submission) throw new SubmissionNotFoundError();
    const { course } = await this.assignments.findWithCourse(submission.assignmentId);
    this.access.assert(caller, 'submission.read', { course, submission });
    if (!submission.fileIds.includes(fileId)) throw new NotFoundError('File');
    return this.files.downloadAttached(fileId);
  }

  /**
   * Grades (or regrades) a submission: `score` or `rubricScores`, less the late penalty. A passing
   * grade of a lesson-tied assignment completes the lesson in the same transaction, and
   * `submission.graded` and the student's mail are written to the outbox: every grade that
   * changes something (a regrade included) mails the student once; a grade identical to the
   * current one changes nothing and writes no event and no mail.
   */
  async grade(
    id: string,
    caller: AuthenticatedUser,
    dto: GradeSubmissionDto,
  ): Promise<SubmissionResponse> {
    const found = await this.submissions.findById(id);
    if (!found) throw new SubmissionNotFoundError();
    const { assignment, course } = await this.assignments.findWithCourse(found.assignmentId);
    this.access.assert(caller, 'submission.grade', { course, submission: found });
    const outcome = scoreOf(assignment!, dto);
    if (!outcome.ok) throw new ValidationFailedError(outcome.problems);
    const finalScore = finalScoreOf(outcome.score, assignment!, found.late);
    const completes = assignment!.lessonId !== null && passes(finalScore, assignment!);
    const [lookups, contacts] = await Promise.all([
      this.lookupsFor([found], [caller.id]),
      this.users.contacts([found.studentId]),
    ]);
    const student = contacts.get(found.studentId);

    const graded = await this.dataSource.transaction(async (manager) => {
      const current = (await this.submissions.lockById(manager, id))!;
      const grade = {
        score: outcome.score.toFixed(2),
        finalScore: finalScore.toFixed(2),
        feedback: dto.feedback ?? null,
        rubricScores: outcome.rubricScores,
        graderId: caller.id,
      };
      if (sameGrade(current, grade)) return current;
      await this.submissions.recordGrade(manager, id, { ...grade, gradedAt: this.clock.now() });
      await this.audit.record(manager, {
        action: 'submission.graded',
        resourceId: id,
        changes: { score: { from: current.finalScore, to: grade.finalScore } },
      });
      if (completes && assignment!.lessonId) {
        await this.enrollments.recordCompletion(
          manager,
          { id: current.enrollmentId, courseId: assignment!.courseId },
          assignment!.lessonId,
        );
      }
      const saved = (await this.submissions.findById(id, manager))!;
      await this.outbox.add(
        manager,
        domainEventJob('submission.graded', toSubmissionResponse(saved, lookups)),
        ...(student ? [this.gradedMail(student, assignment!, saved)] : []),
      );
      return saved;
    });
    return toSubmissionResponse(graded, lookups);
  }

  private gradedMail(
    student: { email: string; fullName: string },
    assignment: Assignment,
    submission: Submission,
  ) {
    return mailJob({
      to: student.email,
      template: 'submission-graded',
      context: {
        fullName: student.fullName,
        assignmentTitle: assignment.title,
        version: submission.version,
        finalScore: Number(submission.finalScore),
        maxPoints: assignment.maxPoints,
        feedback: submission.feedback,
        submissionUrl: `${this.app.webUrl}/submissions/${submission.id}`,
      },
    });
  }

  /** Names (students, graders) and file metadata of several submissions, in two queries. */
  private async lookupsFor(
    rows: Submission[],
    extraPeople: string[] = [],
  ): Promise<SubmissionLookups> {
    const peopleIds = new Set(extraPeople);
    for (const row of rows) {
      peopleIds.add(row.studentId);
      if (row.graderId) peopleIds.add(row.graderId);
    }
    const [people, files] = await Promise.all([
      this.users.summaries([...peopleIds]),
      this.files.byIds(rows.flatMap((row) => row.fileIds)),
    ]);
    return { people, files };
  }
}

/** 422 unless the body carries only what `submissionTypes` allows, and at least one of them. */
function assertFitsTypes(assignment: Assignment, dto: CreateSubmissionDto): void {
  const problems: ErrorDetail[] = [];
  const allows = new Set(assignment.submissionTypes);
  if (dto.text !== undefined && !allows.has('text')) {
    problems.push({ field: 'text', message: 'this assignment does not take text' });
  }
  if (dto.fileIds !== undefined && !allows.has('file')) {
    problems.push({ field: 'fileIds', message: 'this assignment does not take files' });
  }
  if (dto.text === undefined && dto.fileIds === undefined) {
    problems.push({
      field: allows.has('text') ? 'text' : 'fileIds',
      message: `submit at least one of: ${[...allows].join(', ')}`,
    });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);
}

function sameGrade(
  current: Submission,
  grade: Pick<Submission, 'score' | 'finalScore' | 'feedback' | 'rubricScores' | 'graderId'>,
): boolean {
  return (
    current.status === 'graded' &&
    Number(current.score) === Number(grade.score) &&
    Number(current.finalScore) === Number(grade.finalScore) &&
    current.feedback === grade.feedback &&
    current.graderId === grade.graderId &&
    JSON.stringify(current.rubricScores) === JSON.stringify(grade.rubricScores)
  );
}
