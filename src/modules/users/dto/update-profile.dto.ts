import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MaxJsonSize } from '../../../common/validation/max-json-size';
import { trimmed } from '../../../common/validation/transforms';

export class UpdateProfileDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ type: Object, description: 'Free-form JSON object (max 16 KB)' })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(16_384)
  metadata?: Record<string, unknown>;
}
