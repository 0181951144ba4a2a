import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GENERIC_ERROR_CODES } from '../errors/error-codes';

export class ErrorDetailSchema {
  @ApiPropertyOptional({ example: 'email' })
  field?: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

export class ErrorBodySchema {
  /** The generic codes here; buildOpenApiDocument lists every module's as well (error catalog). */
  @ApiProperty({
    enum: GENERIC_ERROR_CODES,
    enumName: 'ErrorCode',
    description:
      'Machine-readable reason: the contract code of the HTTP status, or a more specific one',
    example: 'VALIDATION_ERROR',
  })
  code: string;

  @ApiProperty({ type: [ErrorDetailSchema] })
  details: ErrorDetailSchema[];
}

export class ErrorEnvelopeSchema {
  @ApiProperty({ enum: [false] })
  success: false;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiProperty({ type: ErrorBodySchema })
  error: ErrorBodySchema;

  @ApiProperty({ example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })
  requestId: string;
}

export class PageMetaSchema {
  @ApiProperty({ minimum: 1 }) page: number;
  @ApiProperty({ minimum: 1, maximum: 100 }) pageSize: number;
  @ApiProperty({ minimum: 0 }) total: number;
  @ApiProperty({ minimum: 0 }) totalPages: number;
}
