import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MAX_POSITION } from '../../../common/validation/limits';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';
import { trimmed } from '../../../common/validation/transforms';

export class CreateModuleDto {
  @ApiProperty({ example: 'Week 1: foundations', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ type: String, maxLength: 10000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_POSITION,
    description: '1-based; defaults to last + 1. Modules at or after it move down one place.',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_POSITION)
  position?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Locked for students until this time',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  unlockAt?: string | null;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 3650,
    nullable: true,
    description: 'Locked until this many days after the student enrolled',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  unlockAfterDays?: number | null;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Modules of the same course to complete first; no cycles (422)',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  prerequisiteModuleIds?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Each lesson of the module waits for the previous one to be completed',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  requireSequentialProgress?: boolean;
}
