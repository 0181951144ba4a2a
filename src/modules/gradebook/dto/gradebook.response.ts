import { ApiProperty } from '@nestjs/swagger';

export class GradebookItemResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['quiz', 'assignment', 'lti'] }) type: 'quiz' | 'assignment' | 'lti';
  @ApiProperty() title: string;
  @ApiProperty({
    description:
      "A quiz's total points (its drawn points with a draw), an assignment's maxPoints, an LTI " +
      "line item's scoreMaximum",
  })
  maxPoints: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
}

export class GradebookGradeResponse {
  @ApiProperty({ format: 'uuid' }) itemId: string;
  @ApiProperty({ type: Number, nullable: true }) score: number | null;
  @ApiProperty({ enum: ['graded', 'pending', 'missing', 'none'] })
  status: 'graded' | 'pending' | 'missing' | 'none';
}

export class MyGradeResponse extends GradebookGradeResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Assignment feedback; null for quizzes',
  })
  feedback: string | null;
}

export class GradebookStudentResponse {
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: [GradebookGradeResponse] }) grades: GradebookGradeResponse[];
  @ApiProperty() earned: number;
  @ApiProperty() possible: number;
  @ApiProperty({ type: Number, nullable: true }) percentage: number | null;
}

export class MyGradesStudentResponse extends GradebookStudentResponse {
  @ApiProperty({ type: [MyGradeResponse] }) declare grades: MyGradeResponse[];
}

export class GradebookResponse {
  @ApiProperty({ type: [GradebookItemResponse] }) items: GradebookItemResponse[];
  @ApiProperty({ type: [GradebookStudentResponse] }) students: GradebookStudentResponse[];
}
