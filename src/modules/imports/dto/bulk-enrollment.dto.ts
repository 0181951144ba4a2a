import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { MAX_BULK_ROWS } from '../email-rows';

/** The JSON form of a bulk enrollment (the CSV form is a multipart upload). */
export class BulkEnrollmentDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_BULK_ROWS,
    description: 'Emails of the students; invalid or unknown ones are row errors of the job',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_ROWS)
  @IsString({ each: true })
  @MaxLength(320, { each: true })
  emails: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Create student accounts for unknown emails; they get a set-your-password mail',
  })
  @IsOptional()
  @IsBoolean()
  createMissingUsers?: boolean;
}

/** How the route is documented: the JSON fields, or a CSV `file` (multipart). */
export class BulkEnrollmentBody extends BulkEnrollmentDto {
  @ApiPropertyOptional({
    type: 'string',
    format: 'binary',
    description:
      'multipart/form-data only, instead of `emails`: a CSV file with a header row, `email` and ' +
      'optional `fullName`; `createMissingUsers` is then a form field (`true`/`false`)',
  })
  file?: unknown;
}
