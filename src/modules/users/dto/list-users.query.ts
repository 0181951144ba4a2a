import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES } from '../../../common/auth/roles';
import type { Role } from '../../../common/auth/roles';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';
import { queryBoolean } from '../../../common/validation/transforms';
import { SortBy } from '../../../common/dto/sort';

export class ListUsersQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive search in email and full name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @SortBy(['createdAt', 'email', 'fullName', 'lastLoginAt'], '-createdAt')
  sort: string = '-createdAt';
}
