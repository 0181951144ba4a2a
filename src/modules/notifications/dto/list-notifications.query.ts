import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';
import { queryBoolean } from '../../../common/validation/transforms';

export class ListNotificationsQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'true: unread only; false: read only' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  unread?: boolean;
}
