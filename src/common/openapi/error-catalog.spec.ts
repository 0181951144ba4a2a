import type { OpenAPIObject } from '@nestjs/swagger';
import { applyErrorCatalog, errorCatalog, errorDescription, errorExample } from './error-catalog';

// A catalog of made-up module codes: common/ knows nothing of the real modules (src/error-codes.ts
// builds the real catalog; error-codes.spec.ts checks it).
const STATUS: Record<string, number> = {
  CAKE_STALE: 409,
  CONFLICT: 409,
  NOT_FOUND: 404,
  CAKE_EATEN: 409,
  VALIDATION_ERROR: 422,
};
const catalog = errorCatalog(Object.keys(STATUS), (code) => STATUS[code]);

describe('error catalog', () => {
  it("groups codes by ascending status, the contract's code of each status first", () => {
    expect([...catalog.byStatus]).toEqual([
      [404, ['NOT_FOUND']],
      [409, ['CONFLICT', 'CAKE_STALE', 'CAKE_EATEN']],
      [422, ['VALIDATION_ERROR']],
    ]);
    expect(catalog.codes).toEqual([
      'NOT_FOUND',
      'CONFLICT',
      'CAKE_STALE',
      'CAKE_EATEN',
      'VALIDATION_ERROR',
    ]);
  });

  it('lists a code given twice once', () => {
    expect(errorCatalog(['NOT_FOUND', 'NOT_FOUND'], () => 404).codes).toEqual(['NOT_FOUND']);
  });

  it('describes a status by its main code and the more specific ones', () => {
    expect(errorDescription(catalog, 409)).toBe(
      'CONFLICT, or a more specific code: CAKE_STALE, CAKE_EATEN',
    );
    expect(errorDescription(catalog, 404)).toBe('NOT_FOUND');
    expect(errorDescription(catalog, 418)).toBe('Error');
  });

  it('gives examples whose code belongs to the status, with details where they help', () => {
    expect(errorExample(catalog, 404).error).toEqual({ code: 'NOT_FOUND', details: [] });
    expect(errorExample(catalog, 422).error.details).toEqual([
      { field: 'email', message: 'email must be an email' },
    ]);
    // The 409 example names SLUG_TAKEN only where the catalog has it.
    expect(errorExample(catalog, 409).error.code).toBe('CONFLICT');
    const withSlug = errorCatalog(['CONFLICT', 'SLUG_TAKEN'], () => 409);
    expect(errorExample(withSlug, 409).error.code).toBe('SLUG_TAKEN');
  });

  it('writes the enum and every error response of a document, leaving successes alone', () => {
    const envelope = { $ref: '#/components/schemas/ErrorEnvelopeSchema' };
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      components: { schemas: { ErrorCode: { type: 'string', enum: ['CONFLICT'] } } },
      paths: {
        '/cakes': {
          post: {
            responses: {
              '201': { description: 'Success', content: { 'application/json': { schema: {} } } },
              '409': {
                description: 'CONFLICT\n\nCONFLICT',
                content: { 'application/json': { schema: envelope } },
              },
            },
          },
        },
      },
    } as unknown as OpenAPIObject;

    applyErrorCatalog(document, catalog);

    expect(document.components?.schemas?.ErrorCode).toEqual({
      type: 'string',
      enum: catalog.codes,
    });
    const responses = document.paths['/cakes'].post!.responses;
    expect(responses['409']).toEqual({
      description: errorDescription(catalog, 409),
      content: { 'application/json': { schema: envelope, example: errorExample(catalog, 409) } },
    });
    expect(responses['201']).toEqual({
      description: 'Success',
      content: { 'application/json': { schema: {} } },
    });
  });
});
