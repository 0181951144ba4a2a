import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';
import { DOMAIN_EVENTS } from '../../../infra/outbox/domain-event';
import type { DomainEventType } from '../../../infra/outbox/domain-event';
import { IsHttpUrl } from '../../../common/validation/is-http-url';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/lms',
    description: 'http(s); private, loopback and link-local targets are refused unless allowed',
  })
  @IsHttpUrl()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ enum: DOMAIN_EVENTS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DOMAIN_EVENTS.length)
  @ArrayUnique()
  @IsIn(DOMAIN_EVENTS, { each: true })
  events: DomainEventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsHttpUrl()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: DOMAIN_EVENTS, isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DOMAIN_EVENTS.length)
  @ArrayUnique()
  @IsIn(DOMAIN_EVENTS, { each: true })
  events?: DomainEventType[];

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;
}
