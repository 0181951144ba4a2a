import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

describe('service info at / and /api/v1', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ PORT: '8123', API_DOCS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  it.each(['/', '/api/v1'] as const)(
    'GET %s answers the name, version and docs URL',
    async (path) => {
      const res = await t.http.get(path).expect(200);
      expect(res.body.data).toEqual({
        name: 'lms-api',
        version: VERSION,
        apiUrl: 'http://localhost:8123/api/v1',
        docsUrl: 'http://localhost:8123/docs',
        openApiUrl: 'http://localhost:8123/docs-json',
        healthUrl: 'http://localhost:8123/api/v1/health',
      });
      expectMatchesOpenApi(res, 'get', path);
    },
  );

  it('still answers 404 in the error envelope for unknown paths beside them', async () => {
    const res = await t.http.get('/api/v1/nothing-here').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('service info with docs off', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ API_DOCS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('says docsUrl: null instead of pointing at a 404', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.body.data.docsUrl).toBeNull();
    await t.http.get('/docs-json').expect(404);
  });
});
