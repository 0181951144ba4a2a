import { ApiProperty } from '@nestjs/swagger';
import { SUBMISSION_TYPES } from '../entities/assignment.entity';
import type { Assignment, SubmissionType } from '../entities/assignment.entity';

export class RubricCriterionResponse {
  @ApiProperty() criterion: string;
  @ApiProperty() points: number;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
}

export class AssignmentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) lessonId: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) instructions: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty() maxPoints: number;
  @ApiProperty() passingScorePercentage: number;
  @ApiProperty({ enum: SUBMISSION_TYPES, isArray: true }) submissionTypes: SubmissionType[];
  @ApiProperty() allowLateSubmissions: boolean;
  @ApiProperty() latePenaltyPercent: number;
  @ApiProperty() allowResubmission: boolean;
  @ApiProperty({ type: [RubricCriterionResponse], nullable: true })
  rubric: RubricCriterionResponse[] | null;
  @ApiProperty() isPublished: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toAssignmentResponse(assignment: Assignment): AssignmentResponse {
  return {
    id: assignment.id,
    courseId: assignment.courseId,
    lessonId: assignment.lessonId,
    title: assignment.title,
    instructions: assignment.instructions,
    dueAt: assignment.dueAt?.toISOString() ?? null,
    maxPoints: assignment.maxPoints,
    passingScorePercentage: assignment.passingScorePercentage,
    submissionTypes: [...assignment.submissionTypes],
    allowLateSubmissions: assignment.allowLateSubmissions,
    latePenaltyPercent: assignment.latePenaltyPercent,
    allowResubmission: assignment.allowResubmission,
    rubric:
      assignment.rubric?.map(({ criterion, points, description }) => ({
        criterion,
        points,
        description: description ?? null,
      })) ?? null,
    isPublished: assignment.isPublished,
    createdAt: assignment.createdAt.toISOString(),
    updatedAt: assignment.updatedAt.toISOString(),
  };
}
