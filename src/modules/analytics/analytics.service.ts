import { Injectable, Logger } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { KeyValueStore } from '../../infra/kv/key-value.store';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { AnalyticsRepository } from './analytics.repository';
import {
  CourseAnalyticsResponse,
  InstructorAnalyticsResponse,
  StudentAnalyticsResponse,
  SystemAnalyticsResponse,
} from './dto/analytics.response';

const CACHE_SECONDS = 60;
const BUCKETS = Array.from({ length: 10 }, (_, i) => `${i * 10}-${i * 10 + 10}`);

const rate = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/**
 * Analytics answers, cached for 60 s (in Redis when configured) per subject: the student, the
 * instructor described, the course, the platform. The answer does not depend on who asks (access
 * is checked before the cache), and a minute of staleness is the price of not aggregating on
 * every request.
 */
@Injectable()
export class AnalyticsService {
  private readonly logger = new Logger('Analytics');

  constructor(
    private readonly analytics: AnalyticsRepository,
    private readonly courses: CoursesService,
    private readonly cache: KeyValueStore,
    private readonly access: AccessService,
  ) {}

  student(caller: AuthenticatedUser): Promise<StudentAnalyticsResponse> {
    return this.cached(`student:${caller.id}`, async () => {
      const [totals, courses] = await Promise.all([
        this.analytics.studentTotals(caller.id),
        this.analytics.studentCourses(caller.id),
      ]);
      return {
        enrolledCourses: totals.enrolled,
        completedCourses: totals.completed,
        averageProgress: totals.average_progress,
        lessonsCompleted: totals.lessons,
        quizAttempts: totals.attempts,
        quizzesPassed: totals.passed,
        averageQuizScore: totals.average_score,
        certificates: totals.certificates,
        courses,
      };
    });
  }

  /** Instructors see their own courses; admins anyone's (`instructorId`, default themselves). */
  instructor(
    caller: AuthenticatedUser,
    instructorId?: string,
  ): Promise<InstructorAnalyticsResponse> {
    this.access.assert(caller, 'analytics.instructor', { instructorId });
    const subject = this.access.seesEverything(caller) ? (instructorId ?? caller.id) : caller.id;
    return this.cached(`instructor:${subject}`, async () => {
      const [totals, courses] = await Promise.all([
        this.analytics.instructorTotals(subject),
        this.analytics.instructorCourses(subject),
      ]);
      return {
        totalCourses: totals.courses,
        publishedCourses: totals.published,
        totalEnrollments: totals.enrollments,
        totalStudents: totals.students,
        completionRate: rate(totals.completed, totals.enrollments),
        averageQuizScore: totals.average_score,
        courses,
      };
    });
  }

  /** The course's instructor and admins (drafts 404 to others, published 403). */
  async course(courseId: string, caller: AuthenticatedUser): Promise<CourseAnalyticsResponse> {
    await this.courses.findManageable(courseId, caller);
    return this.cached(`course:${courseId}`, async () => {
      const [totals, lessons, quizzes, assignments] = await Promise.all([
        this.analytics.courseTotals(courseId),
        this.analytics.courseLessons(courseId),
        this.analytics.courseQuizzes(courseId),
        this.analytics.courseAssignments(courseId),
      ]);
      return {
        courseId,
        enrollments: totals.enrollments,
        activeStudents: totals.active,
        completions: totals.completed,
        completionRate: rate(totals.completed, totals.enrollments),
        averageProgress: totals.average_progress,
        averageCompletionDays: totals.average_days,
        lessons,
        quizzes: quizzes.map(({ buckets, ...quiz }) => ({
          ...quiz,
          scoreDistribution: BUCKETS.map((bucket, i) => ({ bucket, count: buckets[i] ?? 0 })),
        })),
        assignments,
      };
    });
  }

  system(): Promise<SystemAnalyticsResponse> {
    return this.cached('system', async () => {
      const [totals, signups] = await Promise.all([
        this.analytics.systemTotals(),
        this.analytics.signupsLast30Days(),
      ]);
      return {
        users: {
          total: totals.users,
          students: totals.students,
          instructors: totals.instructors,
          admins: totals.admins,
          active30d: totals.active30d,
        },
        courses: { total: totals.courses, published: totals.published },
        enrollments: {
          total: totals.enrollments,
          active: totals.active_enrollments,
          completed: totals.completed_enrollments,
        },
        certificatesIssued: totals.certificates,
        quizAttempts: totals.attempts,
        signupsLast30Days: signups,
      };
    });
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const fullKey = `analytics:${key}`;
    const hit = await this.cache.get(fullKey).catch(() => null);
    if (hit) return JSON.parse(hit) as T;
    const value = await load();
    await this.cache
      .set(fullKey, JSON.stringify(value), CACHE_SECONDS)
      .catch((error: Error) => this.logger.warn(`cache write failed: ${error.message}`));
    return value;
  }
}
