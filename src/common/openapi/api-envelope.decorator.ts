import { applyDecorators, HttpStatus, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { errorCodeForStatus } from '../errors/error-codes';
import { ErrorEnvelopeSchema, PageMetaSchema } from './error-envelope.schema';

export interface ApiEnvelopeOptions {
  /** Success status, 200 by default. */
  status?: number;
  /** Error statuses this route can answer besides 429 and 500. */
  errors?: number[];
  isArray?: boolean;
  paginated?: boolean;
  /** `data` is one object (not a list) with page `meta` beside it (PagedObject). */
  pagedObject?: boolean;
  description?: string;
}

const ALWAYS = [HttpStatus.TOO_MANY_REQUESTS, HttpStatus.INTERNAL_SERVER_ERROR];

/**
 * Documents the error envelope for each status. The document builder then writes each status's
 * codes and example from the error catalog (applyErrorCatalog), so the generic code here is only
 * what a document built without the catalog would say.
 */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeSchema),
    ...[...new Set([...statuses, ...ALWAYS])].map((status) =>
      ApiResponse({
        status,
        description: errorCodeForStatus(status),
        schema: { $ref: getSchemaPath(ErrorEnvelopeSchema) },
      }),
    ),
  );
}

/**
 * Documents a success response inside the envelope `{success, message, data, meta?}` so that a
 * generated SDK sees the real shape, plus the error envelope for the listed statuses.
 */
export function ApiEnvelope(
  model: Type<unknown> | Type<unknown>[] | null,
  options: ApiEnvelopeOptions = {},
) {
  const models = model === null ? [] : Array.isArray(model) ? model : [model];
  const refs = models.map((m) => ({ $ref: getSchemaPath(m) }));
  const ref =
    refs.length === 0
      ? { type: 'object', nullable: true }
      : refs.length === 1
        ? refs[0]
        : { oneOf: refs };
  const data = options.isArray || options.paginated ? { type: 'array', items: ref } : ref;
  const properties: Record<string, object> = {
    success: { type: 'boolean', enum: [true] },
    message: { type: 'string', example: 'OK' },
    data,
  };
  const required = ['success', 'message', 'data'];
  if (options.paginated || options.pagedObject) {
    properties.meta = { $ref: getSchemaPath(PageMetaSchema) };
    required.push('meta');
  }
  const status: number = options.status ?? HttpStatus.OK;
  const noContent = status === 204;
  return applyDecorators(
    ApiExtraModels(PageMetaSchema, ...models),
    noContent
      ? ApiResponse({ status, description: options.description ?? 'Done; no body' })
      : ApiResponse({
          status,
          description: options.description ?? 'Success',
          schema: { type: 'object', required, properties },
        }),
    ApiErrors(...(options.errors ?? [])),
  );
}
