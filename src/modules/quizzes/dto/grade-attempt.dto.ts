import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class EssayGradeDto {
  @ApiProperty({ format: 'uuid', description: 'An essay question of this attempt' })
  @IsUUID()
  questionId: string;

  @ApiProperty({ minimum: 0, description: "0 to the question's points (422 above them)" })
  @IsInt()
  @Min(0)
  @Max(1000)
  pointsAwarded: number;

  @ApiPropertyOptional({ type: String, maxLength: 5000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  feedback?: string | null;
}

export class GradeAttemptDto {
  @ApiProperty({ type: [EssayGradeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => EssayGradeDto)
  grades: EssayGradeDto[];
}
