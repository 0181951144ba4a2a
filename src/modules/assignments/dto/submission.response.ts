import type { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { SUBMISSION_STATUSES } from '../entities/submission.entity';
import type { Submission, SubmissionStatus } from '../entities/submission.entity';

/** An object of `model`, or null (OpenAPI 3.0: a nullable $ref needs a null branch). */
const nullableRef = (model: Type<unknown>): ApiPropertyOptions => ({
  anyOf: [{ $ref: getSchemaPath(model) }, { type: 'object', nullable: true, enum: [null] }],
});

export class PersonSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
}

export class SubmissionFileResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() originalFilename: string;
  @ApiProperty() contentType: string;
  @ApiProperty({ description: 'Bytes' }) fileSize: number;
}

export class RubricScoreResponse {
  @ApiProperty() criterion: string;
  @ApiProperty() points: number;
}

@ApiExtraModels(PersonSummary)
export class GradeResponse {
  @ApiProperty() score: number;
  @ApiProperty({ description: 'score less the late penalty, never below 0' }) finalScore: number;
  @ApiProperty({ type: String, nullable: true }) feedback: string | null;
  @ApiProperty({ type: [RubricScoreResponse], nullable: true })
  rubricScores: RubricScoreResponse[] | null;
  @ApiProperty({ format: 'date-time' }) gradedAt: string;
  @ApiProperty(nullableRef(PersonSummary)) grader: PersonSummary | null;
}

@ApiExtraModels(GradeResponse, PersonSummary)
export class SubmissionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty({ type: PersonSummary }) student: PersonSummary;
  @ApiProperty({ minimum: 1 }) version: number;
  @ApiProperty({ type: String, nullable: true }) text: string | null;
  @ApiProperty({ type: [SubmissionFileResponse] }) files: SubmissionFileResponse[];
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
  @ApiProperty() late: boolean;
  @ApiProperty({ enum: SUBMISSION_STATUSES }) status: SubmissionStatus;
  @ApiProperty(nullableRef(GradeResponse)) grade: GradeResponse | null;
}

/** What the mapper needs besides the row: names and file metadata, read in batches. */
export interface SubmissionLookups {
  people: Map<string, PersonSummary>;
  files: Map<string, SubmissionFileResponse>;
}

const unknownPerson = (id: string): PersonSummary => ({ id, fullName: '' });

export function toSubmissionResponse(
  submission: Submission,
  { people, files }: SubmissionLookups,
): SubmissionResponse {
  return {
    id: submission.id,
    assignmentId: submission.assignmentId,
    studentId: submission.studentId,
    student: people.get(submission.studentId) ?? unknownPerson(submission.studentId),
    version: submission.version,
    text: submission.text,
    // Files deleted since the submit are left out.
    files: submission.fileIds.flatMap((id) => {
      const file = files.get(id);
      return file
        ? [
            {
              id: file.id,
              originalFilename: file.originalFilename,
              contentType: file.contentType,
              fileSize: file.fileSize,
            },
          ]
        : [];
    }),
    submittedAt: submission.submittedAt.toISOString(),
    late: submission.late,
    status: submission.status,
    grade:
      submission.status === 'graded' && submission.gradedAt
        ? {
            score: Number(submission.score),
            finalScore: Number(submission.finalScore),
            feedback: submission.feedback,
            rubricScores:
              submission.rubricScores?.map(({ criterion, points }) => ({ criterion, points })) ??
              null,
            gradedAt: submission.gradedAt.toISOString(),
            grader: submission.graderId
              ? (people.get(submission.graderId) ?? unknownPerson(submission.graderId))
              : null,
          }
        : null,
  };
}
