import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_REVIEW_COMMENT = 2_000;

export class PutReviewDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_REVIEW_COMMENT,
    description: 'Left out or null: no comment (a PUT replaces the whole review)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REVIEW_COMMENT)
  comment?: string | null;
}
