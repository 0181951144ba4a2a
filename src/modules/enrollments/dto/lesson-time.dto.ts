import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';

/** Longest time one report may add: clients report periodically (e.g. every 30 s). */
export const MAX_TIME_DELTA_SECONDS = 3_600;
/** A week of video: far beyond any lesson. */
export const MAX_POSITION_SECONDS = 604_800;

export class LessonTimeDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_POSITION_SECONDS,
    description: 'Where the student is in the lesson (a video’s playhead); left as is when absent',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_POSITION_SECONDS)
  positionSeconds?: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_TIME_DELTA_SECONDS,
    description: 'Seconds spent since the last report: added to the lesson’s total',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_TIME_DELTA_SECONDS)
  timeSpentSeconds: number;
}
