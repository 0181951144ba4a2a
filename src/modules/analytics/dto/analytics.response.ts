import { ApiProperty } from '@nestjs/swagger';

export class StudentCourseProgress {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: '0..100' }) progressPercentage: number;
  @ApiProperty({ enum: ['active', 'completed'] }) status: string;
}

export class StudentAnalyticsResponse {
  @ApiProperty() enrolledCourses: number;
  @ApiProperty() completedCourses: number;
  @ApiProperty({ description: 'Mean progress over enrollments, 0..100' }) averageProgress: number;
  @ApiProperty() lessonsCompleted: number;
  @ApiProperty({ description: 'Every attempt started' }) quizAttempts: number;
  @ApiProperty({ description: 'Distinct quizzes with a passed attempt' }) quizzesPassed: number;
  @ApiProperty({
    description:
      'Mean percentage of finished attempts with final scores (not pending grading), 0..100',
  })
  averageQuizScore: number;
  @ApiProperty({ description: 'Certificates not revoked' }) certificates: number;
  @ApiProperty({ type: [StudentCourseProgress] }) courses: StudentCourseProgress[];
}

export class InstructorCourseStats {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() title: string;
  @ApiProperty() enrollments: number;
  @ApiProperty() completions: number;
  @ApiProperty({ description: 'Fraction 0..1' }) completionRate: number;
  @ApiProperty({ description: '0..100' }) averageProgress: number;
}

export class InstructorAnalyticsResponse {
  @ApiProperty() totalCourses: number;
  @ApiProperty() publishedCourses: number;
  @ApiProperty() totalEnrollments: number;
  @ApiProperty({ description: 'Distinct students' }) totalStudents: number;
  @ApiProperty({ description: 'Fraction 0..1' }) completionRate: number;
  @ApiProperty({
    description:
      '0..100, finished attempts on the instructor’s quizzes with final scores (not pending grading)',
  })
  averageQuizScore: number;
  @ApiProperty({ type: [InstructorCourseStats] }) courses: InstructorCourseStats[];
}

export class LessonCompletionStats {
  @ApiProperty({ format: 'uuid' }) lessonId: string;
  @ApiProperty() title: string;
  @ApiProperty() position: number;
  @ApiProperty() completions: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Average time spent on the lesson (seconds, 2 decimals) over the students who reported ' +
      'time on it; null when none did',
  })
  averageTimeSpentSeconds: number | null;
}

export class ScoreBucket {
  @ApiProperty({ example: '0-10' }) bucket: string;
  @ApiProperty() count: number;
}

export class QuizStats {
  @ApiProperty({ format: 'uuid' }) quizId: string;
  @ApiProperty() title: string;
  @ApiProperty({
    description:
      'Finished (submitted or expired) attempts with final scores; attempts whose essays wait ' +
      'for grading count here (and in averageScore, passRate, scoreDistribution) once graded',
  })
  attempts: number;
  @ApiProperty({ description: '0..100' }) averageScore: number;
  @ApiProperty({ description: 'Fraction 0..1' }) passRate: number;
  @ApiProperty({ type: [ScoreBucket], description: 'Ten buckets, 0-10 ... 90-100' })
  scoreDistribution: ScoreBucket[];
}

export class AssignmentStats {
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Students with at least one submission (any version)' })
  submissions: number;
  @ApiProperty({ description: 'Students whose latest submission is graded' })
  graded: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Mean finalScore (points, late penalty applied, 2 decimals) of the graded latest ' +
      'submissions; null when none is graded',
  })
  averageScore: number | null;
  @ApiProperty({
    description:
      'Fraction 0..1 (4 decimals) of the submitting students whose latest submission was late; ' +
      '0 without submissions',
  })
  lateRate: number;
}

export class CourseAnalyticsResponse {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() enrollments: number;
  @ApiProperty({ description: 'Enrollments still active' }) activeStudents: number;
  @ApiProperty() completions: number;
  @ApiProperty({ description: 'Fraction 0..1' }) completionRate: number;
  @ApiProperty({ description: '0..100' }) averageProgress: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Days from enrollment to completion; null without completions',
  })
  averageCompletionDays: number | null;
  @ApiProperty({ type: [LessonCompletionStats] }) lessons: LessonCompletionStats[];
  @ApiProperty({ type: [QuizStats] }) quizzes: QuizStats[];
  @ApiProperty({
    type: [AssignmentStats],
    description: 'Every assignment of the course (published or not), oldest first',
  })
  assignments: AssignmentStats[];
}

export class UserCounts {
  @ApiProperty() total: number;
  @ApiProperty() students: number;
  @ApiProperty() instructors: number;
  @ApiProperty() admins: number;
  @ApiProperty({ description: 'Logged in within 30 days' }) active30d: number;
}

export class CourseCounts {
  @ApiProperty() total: number;
  @ApiProperty() published: number;
}

export class EnrollmentCounts {
  @ApiProperty() total: number;
  @ApiProperty() active: number;
  @ApiProperty() completed: number;
}

export class DailyCount {
  @ApiProperty({ example: '2026-11-24' }) date: string;
  @ApiProperty() count: number;
}

export class SystemAnalyticsResponse {
  @ApiProperty({ type: UserCounts }) users: UserCounts;
  @ApiProperty({ type: CourseCounts }) courses: CourseCounts;
  @ApiProperty({ type: EnrollmentCounts }) enrollments: EnrollmentCounts;
  @ApiProperty() certificatesIssued: number;
  @ApiProperty() quizAttempts: number;
  @ApiProperty({ type: [DailyCount], description: 'One entry per day, oldest first, today last' })
  signupsLast30Days: DailyCount[];
}
