import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';

/** Newest first. */
export class ListFilesQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: files of this user' })
  @IsOptional()
  @IsUUID()
  uploadedById?: string;
}
