import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { mailJob } from '../../infra/mail/mail.service';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxJob, OutboxService } from '../../infra/outbox/outbox.service';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { LessonsService } from '../courses/lessons.service';
import { LessonNotFoundError } from '../courses/courses.errors';
import { UserNotFoundError } from '../users/users.errors';
import { UsersService } from '../users/users.service';
import { CompletionJobs, MailRecipient } from './completion-jobs';
import {
  EnrollmentContext,
  EnrollmentDetailResponse,
  EnrollmentResponse,
  RosterEntryResponse,
  toEnrollmentResponse,
} from './dto/enrollment.response';
import { LessonTimeDto } from './dto/lesson-time.dto';
import { ListEnrollmentsQuery } from './dto/list-enrollments.query';
import { Enrollment } from './entities/enrollment.entity';
import { EnrollmentPresenter } from './enrollment.presenter';
import { EnrollmentsRepository } from './enrollments.repository';
import { CompletionByAssessmentError, EnrollmentNotFoundError } from './enrollments.errors';
import type { LockedEnrollment } from '../courses/enrollment.gateway';
import { KnownStructure, LessonLocksService } from '../courses/lesson-locks.service';

export interface EnrollOutcome {
  created: boolean;
  enrollment: EnrollmentResponse;
}

@Injectable()
export class EnrollmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly enrollments: EnrollmentsRepository,
    private readonly courses: CoursesService,
    private readonly lessons: LessonsService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly presenter: EnrollmentPresenter,
    private readonly completion: CompletionJobs,
    private readonly access: AccessService,
    private readonly locks: LessonLocksService,
  ) {}

  /**
   * Students enroll in published courses (drafts are 404). Idempotent: the unique index decides,
   * so concurrent requests create one enrollment; `created` says whether this call made it.
   */
  async enroll(caller: AuthenticatedUser, courseId: string): Promise<EnrollOutcome> {
    const course = await this.courses.findAllowed(courseId, caller, 'course.enroll');
    // Read before the transaction: concurrent enrolls wait inside theirs for this one's row (see
    // EnrollmentPresenter.contextOf), so it must not need a second connection.
    const [student, context] = await Promise.all([
      this.users.getById(caller.id),
      this.presenter.contextOf(course.id),
    ]);
    const newId = await this.dataSource.transaction(async (manager) => {
      const id = await this.enrollments.insertIfAbsent(manager, caller.id, course.id);
      if (!id) return null;
      const created = await this.enrollments.findById(id, manager);
      const response = toEnrollmentResponse(created!, context);
      await this.outbox.add(
        manager,
        domainEventJob('enrollment.created', response),
        mailJob({
          to: student.email,
          template: 'enrollment-confirmation',
          context: {
            fullName: student.fullName,
            courseTitle: course.title,
            courseUrl: this.completion.courseUrl(course.slug),
          },
        }),
      );
      return id;
    });
    // Enrolling again after dropping reactivates the enrollment with its progress (200).
    if (!newId) await this.enrollments.reactivate(caller.id, course.id);
    const enrollment = newId
      ? await this.enrollments.findById(newId)
      : await this.enrollments.findByStudentAndCourse(caller.id, course.id);
    return { created: newId !== null, enrollment: await this.presenter.present(enrollment!) };
  }

  /**
   * Drops an enrollment (the student, the course's instructor, admins): progress is kept, lessons,
   * quizzes and assignments close to the student (access policy), the gradebook leaves them out.
   * Idempotent: `enrollment.dropped` is written once, by the request that changed the status.
   */
  async drop(id: string, caller: AuthenticatedUser): Promise<void> {
    await this.access.require(caller, 'enrollment.drop', id);
    const existing = await this.enrollments.findById(id);
    if (!existing) throw new EnrollmentNotFoundError();
    // Read before the transaction (see EnrollmentPresenter.contextOf).
    const context = await this.presenter.contextOf(existing.courseId, id);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.enrollments.markDropped(manager, id))) return;
      const dropped = (await this.enrollments.findById(id, manager))!;
      await this.outbox.add(
        manager,
        domainEventJob('enrollment.dropped', toEnrollmentResponse(dropped, context)),
      );
    });
  }

  /**
   * For bulk imports, inside the caller's transaction: enrolls the students set-based (dropped
   * enrollments are reactivated) with the side effects of enroll() for each new enrollment:
   * `enrollment.created` and the confirmation mail. `context` and `students` are read by the
   * caller before its transaction. Returns the number of new enrollments.
   */
  async enrollMany(
    manager: EntityManager,
    course: { id: string; title: string; slug: string },
    context: EnrollmentContext,
    students: Map<string, MailRecipient>,
  ): Promise<number> {
    const { created } = await this.enrollments.insertMany(manager, course.id, [...students.keys()]);
    await this.outbox.add(
      manager,
      ...created.flatMap((enrollment) => {
        const student = students.get(enrollment.studentId) ?? { email: '', fullName: '' };
        return [
          domainEventJob('enrollment.created', toEnrollmentResponse(enrollment, context)),
          mailJob({
            to: student.email,
            template: 'enrollment-confirmation',
            context: {
              fullName: student.fullName,
              courseTitle: course.title,
              courseUrl: this.completion.courseUrl(course.slug),
            },
          }),
        ];
      }),
    );
    return created.length;
  }

  /** For bulk imports: the presenter context of a course (read before a transaction). */
  contextOf(courseId: string): Promise<EnrollmentContext> {
    return this.presenter.contextOf(courseId);
  }

  async myEnrollments(
    caller: AuthenticatedUser,
    query: ListEnrollmentsQuery,
  ): Promise<Paginated<EnrollmentResponse>> {
    const [rows, total] = await this.enrollments.findPageByStudent(
      caller.id,
      query.status,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(await this.presenter.presentMany(rows), total, query.page, query.pageSize);
  }

  /** The course roster, for its instructor and admins. */
  async roster(
    courseId: string,
    caller: AuthenticatedUser,
    query: ListEnrollmentsQuery,
  ): Promise<Paginated<RosterEntryResponse>> {
    await this.courses.findManageable(courseId, caller);
    const [rows, total] = await this.enrollments.findPageByCourse(
      courseId,
      query.status,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    const [presented, students] = await Promise.all([
      this.presenter.presentMany(rows),
      this.users.contacts(rows.map((row) => row.studentId)),
    ]);
    const items = presented.map((enrollment) => ({
      ...enrollment,
      student: students.get(enrollment.studentId) ?? {
        id: enrollment.studentId,
        fullName: '',
        email: '',
      },
    }));
    return new Paginated(items, total, query.page, query.pageSize);
  }

  /** One enrollment with its per-lesson progress: the student, the course's instructor, admins. */
  async get(id: string, caller: AuthenticatedUser): Promise<EnrollmentDetailResponse> {
    await this.access.require(caller, 'enrollment.read', id);
    const enrollment = await this.enrollments.findById(id);
    if (!enrollment) throw new EnrollmentNotFoundError();
    return this.detail(enrollment);
  }

  /**
   * Idempotent. Progress is recomputed in the same transaction; the last lesson completes the
   * enrollment, which queues the completion mail, the certificate and the webhook events.
   */
  async completeLesson(
    id: string,
    lessonId: string,
    caller: AuthenticatedUser,
  ): Promise<EnrollmentDetailResponse> {
    const existing = await this.progressTarget(id, lessonId, caller);
    if (await this.lessons.completedByAssessment(lessonId)) {
      throw new CompletionByAssessmentError();
    }

    await this.dataSource.transaction((manager) =>
      this.recordCompletion(manager, existing, lessonId),
    );
    return this.detail((await this.enrollments.findById(id))!);
  }

  /**
   * The enrollment whose progress on `lessonId` the caller may record: theirs (policy
   * `enrollment.progress`), the lesson in its course (404 otherwise) and not locked (403).
   */
  private async progressTarget(
    id: string,
    lessonId: string,
    caller: AuthenticatedUser,
  ): Promise<Enrollment> {
    const existing = await this.enrollments.findById(id);
    this.access.assert(caller, 'enrollment.progress', { enrollment: existing });
    const lesson = await this.lessons.findInCourse(lessonId, existing!.courseId);
    if (!lesson) throw new LessonNotFoundError();
    await this.locks.assertAvailable(existing!, lessonId);
    return existing!;
  }

  /**
   * Adds time spent on a lesson (a delta) and moves the position (the enrolled student, not
   * dropped; 404 when the lesson is not in the course; 403 LESSON_LOCKED when it is locked).
   */
  async recordLessonTime(
    id: string,
    lessonId: string,
    body: LessonTimeDto,
    caller: AuthenticatedUser,
  ): Promise<EnrollmentDetailResponse> {
    const existing = await this.progressTarget(id, lessonId, caller);
    await this.enrollments.addLessonTime(
      id,
      lessonId,
      body.timeSpentSeconds,
      body.positionSeconds ?? null,
    );
    return this.detail(existing);
  }

  /**
   * Records a completed lesson inside the caller's transaction (a passed quiz completes its
   * lesson in the submit transaction): recomputes progress and, for the last lesson, completes
   * the enrollment with its side effects. Nothing changes when the lesson was already completed.
   * `events` (the caller's own outbox jobs) are written with this one's in one statement either
   * way. Everything is read on the transaction's own connection, so a code path holding the
   * enrollment's lock never waits for a second pooled connection: two statements and the outbox
   * insert (the quiz submit's hot path, bench/RESULTS.md).
   */
  async recordCompletion(
    manager: EntityManager,
    target: { id: string; courseId: string },
    lessonId: string,
    events: OutboxJob[] = [],
  ): Promise<void> {
    // The course's row is held first (see lockForCompletion): the counts below then see every
    // lesson change and every other completion committed before, so an enrollment's completion
    // is decided exactly once.
    const { enrollment, course } = (await this.enrollments.lockForCompletion(manager, target.id))!;
    const recorded = await this.enrollments.recordLessonCompleted(manager, enrollment, lessonId);
    if (!recorded) return this.outbox.add(manager, ...events);
    const updated = recorded.enrollment;
    const finishes = enrollment.status === 'active' && updated.status === 'completed';
    const presented = toEnrollmentResponse(updated, {
      course,
      totalLessons: recorded.totalLessons,
      certificateId: recorded.certificateId,
    });
    const finished = finishes
      ? this.completion.for(presented, await this.studentOf(manager, updated))
      : [];
    await this.outbox.add(
      manager,
      ...events,
      domainEventJob('lesson.completed', { ...presented, lessonId }),
      ...finished,
    );
  }

  /** The completion mail's recipient, read on the transaction's connection. */
  private async studentOf(manager: EntityManager, enrollment: Enrollment): Promise<MailRecipient> {
    const student = (await this.users.contacts([enrollment.studentId], manager)).get(
      enrollment.studentId,
    );
    if (!student) throw new UserNotFoundError();
    return student;
  }

  /** For certificates (jobs act without a caller): the enrollment, whoever owns it. */
  findById(id: string): Promise<Enrollment | null> {
    return this.enrollments.findById(id);
  }

  /** For quizzes and assignments: LESSON_LOCKED (403) when the lesson is locked for them. */
  assertLessonAvailable(
    enrollment: LockedEnrollment,
    lessonId: string,
    known?: KnownStructure,
  ): Promise<void> {
    return this.locks.assertAvailable(enrollment, lessonId, known);
  }

  /**
   * For quizzes and assignments: the student's enrollment in a course, if any, dropped or not (the
   * access policy decides what a dropped one opens).
   */
  findForStudent(studentId: string, courseId: string): Promise<Enrollment | null> {
    return this.enrollments.findByStudentAndCourse(studentId, courseId);
  }

  private async detail(enrollment: Enrollment): Promise<EnrollmentDetailResponse> {
    const [presented, lessons, progress, locks] = await Promise.all([
      this.presenter.present(enrollment),
      this.lessons.lessonsOf(enrollment.courseId),
      this.enrollments.progressOf(enrollment.id),
      this.locks.statesFor(enrollment),
    ]);
    const done = new Map(progress.map((entry) => [entry.lessonId, entry]));
    return {
      ...presented,
      lessons: lessons.map((lesson) => {
        const lock = locks.lessons.get(lesson.id);
        return {
          lessonId: lesson.id,
          moduleId: lesson.moduleId,
          title: lesson.title,
          position: lesson.position,
          completed: done.get(lesson.id)?.completed ?? false,
          completedAt: done.get(lesson.id)?.completedAt?.toISOString() ?? null,
          positionSeconds: done.get(lesson.id)?.positionSeconds ?? null,
          timeSpentSeconds: done.get(lesson.id)?.timeSpentSeconds ?? 0,
          locked: lock?.status === 'locked',
          unlocksAt: lock?.status === 'locked' ? (lock.unlocksAt?.toISOString() ?? null) : null,
        };
      }),
    };
  }
}
