import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';

/** What the assignment's `submissionTypes` allow, and at least one of them (422 otherwise). */
export class CreateSubmissionDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100000 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  text?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    isArray: true,
    minItems: 1,
    maxItems: 10,
    description: 'Files the student uploaded (404 otherwise)',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  fileIds?: string[];
}
