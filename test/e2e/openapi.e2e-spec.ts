import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeOpenApiDocument } from '../../src/openapi';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is committed as openapi.json exactly as the running app serves it (run `npm run openapi`)', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    const committed = readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8');
    expect(serializeOpenApiDocument(res.body)).toEqual(committed);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });

  it('declares the bearer scheme and documents the envelope', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(body.components.schemas.ErrorEnvelopeSchema.required).toEqual(
      expect.arrayContaining(['success', 'message', 'error', 'requestId']),
    );
  });

  it('describes real responses: liveness and readiness match their schemas', async () => {
    expectMatchesOpenApi(await t.http.get('/api/v1/health'), 'get', '/api/v1/health');
    expectMatchesOpenApi(await t.http.get('/api/v1/ready'), 'get', '/api/v1/ready');
  });

  it('lists every error code as an enum and gives each error status its own example', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    expect(body.components.schemas.ErrorBodySchema.properties.code.allOf).toEqual([
      { $ref: '#/components/schemas/ErrorCode' },
    ]);
    const codes: string[] = body.components.schemas.ErrorCode.enum;
    expect(codes).toEqual(
      expect.arrayContaining([
        'VALIDATION_ERROR',
        'INVALID_CREDENTIALS',
        'EMAIL_TAKEN',
        'SLUG_TAKEN',
      ]),
    );
    const login = body.paths['/api/v1/auth/login'].post.responses;
    const exampleCode = (status: string) =>
      login[status]?.content['application/json'].example.error.code;
    expect(exampleCode('422')).toBe('VALIDATION_ERROR');
    expect(exampleCode('429')).toBe('RATE_LIMITED');
    expect(exampleCode('500')).toBe('INTERNAL_ERROR');
  });

  it('takes info.version from package.json, orders tags with auth first and lists servers', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(body.info.version).toBe(pkg.version);
    expect(body.tags[0].name).toBe('auth');
    expect(body.servers.length).toBeGreaterThan(0);
    expect(body.paths['/api/v1/auth/login'].post.security).toEqual([]);
  });

  it('catches a response that does not match its schema', () => {
    const fake = { status: 200, body: { success: true, message: 'OK', data: { status: 1 } } };
    expect(() => expectMatchesOpenApi(fake as never, 'get', '/api/v1/health')).toThrow(
      /does not match openapi.json/,
    );
  });
});
