import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';
import { MaxJsonSize } from '../../../common/validation/max-json-size';
import { trimmed } from '../../../common/validation/transforms';

export class UpdateProfileDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptionalNotNull()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ type: Object, description: 'Free-form JSON object (max 16 KB)' })
  @IsOptionalNotNull()
  @IsObject()
  @MaxJsonSize(16_384)
  metadata?: Record<string, unknown>;
}
