import { ApiProperty } from '@nestjs/swagger';
import { ENROLLMENT_STATUSES } from '../entities/enrollment.entity';
import type { Enrollment, EnrollmentStatus } from '../entities/enrollment.entity';

export class EnrollmentCourseSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() slug: string;
}

export class StudentContact {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
}

export class EnrollmentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ type: EnrollmentCourseSummary }) course: EnrollmentCourseSummary;
  @ApiProperty({ enum: ENROLLMENT_STATUSES }) status: EnrollmentStatus;
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ minimum: 0, maximum: 100, example: 33.33 }) progressPercentage: number;
  @ApiProperty({ minimum: 0 }) completedLessons: number;
  @ApiProperty({ minimum: 0 }) totalLessons: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) certificateId: string | null;
}

export class LessonProgressEntry {
  @ApiProperty({ format: 'uuid' }) lessonId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) moduleId: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ minimum: 1 }) position: number;
  @ApiProperty() completed: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    description: 'Where the student is in the lesson (seconds), as last reported; null before',
  })
  positionSeconds: number | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sum of the reported time (seconds)' })
  timeSpentSeconds: number;
  @ApiProperty({ description: 'Kept closed by its module’s prerequisites, schedule or sequence' })
  locked: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the schedule opens a locked lesson; null when progress will',
  })
  unlocksAt: string | null;
}

export class EnrollmentDetailResponse extends EnrollmentResponse {
  @ApiProperty({ type: [LessonProgressEntry] }) lessons: LessonProgressEntry[];
}

export class RosterEntryResponse extends EnrollmentResponse {
  @ApiProperty({ type: StudentContact }) student: StudentContact;
}

export interface EnrollmentContext {
  course: EnrollmentCourseSummary;
  totalLessons: number;
  certificateId: string | null;
}

export function toEnrollmentResponse(
  enrollment: Enrollment,
  context: EnrollmentContext,
): EnrollmentResponse {
  return {
    id: enrollment.id,
    studentId: enrollment.studentId,
    courseId: enrollment.courseId,
    course: context.course,
    status: enrollment.status,
    enrolledAt: enrollment.enrolledAt.toISOString(),
    completedAt: enrollment.completedAt?.toISOString() ?? null,
    progressPercentage: Number(enrollment.progressPercentage),
    completedLessons: enrollment.completedLessons,
    totalLessons: context.totalLessons,
    certificateId: context.certificateId,
  };
}
