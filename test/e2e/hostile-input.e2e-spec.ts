import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import openapi from '../../openapi.json';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
};
type Operation = {
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header' }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Role = 'anonymous' | 'student' | 'instructor' | 'admin';

const ROLES: Role[] = ['anonymous', 'student', 'instructor', 'admin'];
const NUL = 'a\u0000b';
/** ~10 KB of `[[[[...]]]]` (sent as raw JSON text: serialising it would overflow the stack). */
const DEEP = `${'['.repeat(5000)}${']'.repeat(5000)}`;

/** What a value may be replaced with, whatever the field's declared type. */
/** `Idempotency-Key` values: empty, too long, non-ASCII (sent as latin1 bytes), SQL-looking. */
const HOSTILE_KEYS = ['', 'k'.repeat(300), 'clé-ünïcödé', "'; DROP TABLE idempotency_keys; --"];
const HOSTILE_VALUES: unknown[] = [null, NUL, 1e308, -99999999999, { $gt: '' }, [NUL], true];
const HOSTILE_QUERY = [NUL, '1e20', '99999999999', '-1', '1e3', 'x'.repeat(3000), '[]', '%'];
const HOSTILE_PATH = ['not-a-uuid', encodeURIComponent(NUL), '%E0%A4%A', '..%2F..%2Fetc'];

/** What no response may contain: stack frames, SQL, driver errors, file paths. */
const LEAKS =
  /\bat [\w.<>]+ \(|QueryFailedError|duplicate key|violates|syntax error|invalid input syntax|\bSELECT\b|\bINSERT INTO\b|node_modules|\/src\/|\.ts:\d+|\/work\//;

function resolve(schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return resolve((openapi.components.schemas as Record<string, Schema>)[name]);
  }
  if (schema.allOf) {
    return schema.allOf.map(resolve).reduce<Schema>(
      (merged, part) => ({
        ...merged,
        ...part,
        properties: { ...merged.properties, ...part.properties },
      }),
      {},
    );
  }
  return schema;
}

const operations = Object.entries(openapi.paths as Record<string, Record<string, Operation>>)
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  )
  // Logging out revokes the caller's token: it would blind every later request of that role.
  .filter(({ path }) => !path.endsWith('/auth/logout'));

/**
 * Every operation of the project's own OpenAPI document, as anonymous and as each role, with NUL
 * strings, huge and negative numbers, deep nesting, wrong types, nulls, unknown fields and bad
 * ids: never a 5xx, always the error envelope, never a stack, SQL or file path.
 */
describe('hostile input, driven by openapi.json', () => {
  let t: TestApp;
  const users = {} as Record<Exclude<Role, 'anonymous'>, TestUser>;
  /** Real ids by the path segment before `{id}`, so that bodies reach the services. */
  const fixtures: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    users.student = await createUser(t, 'student');
    users.instructor = await createUser(t, 'instructor');
    users.admin = await createUser(t, 'admin');
    const course = await createCourse(t, users.instructor, { lessons: 2, publish: true });
    const quiz = await t.http
      .post(`/api/v1/courses/${course.id}/quizzes`)
      .set(...bearer(users.instructor))
      .send({ title: 'Hostile quiz', lessonId: course.lessonIds[0] })
      .expect(201);
    const question = await t.http
      .post(`/api/v1/quizzes/${quiz.body.data.id}/questions`)
      .set(...bearer(users.instructor))
      .send({ text: 'Yes?', type: 'true_false', correctAnswer: true })
      .expect(201);
    await t.http
      .post(`/api/v1/quizzes/${quiz.body.data.id}/publish`)
      .set(...bearer(users.instructor))
      .expect(200);
    const enrollment = await t.http
      .post('/api/v1/enrollments')
      .set(...bearer(users.student))
      .send({ courseId: course.id })
      .expect(201);
    const attempt = await t.http
      .post(`/api/v1/quizzes/${quiz.body.data.id}/attempts`)
      .set(...bearer(users.student))
      .expect(201);
    const webhook = await t.http
      .post('/api/v1/webhooks')
      .set(...bearer(users.admin))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['course.published'] })
      .expect(201);
    Object.assign(fixtures, {
      users: users.student.id,
      courses: course.id,
      lessons: course.lessonIds[1],
      quizzes: quiz.body.data.id,
      questions: question.body.data.id,
      enrollments: enrollment.body.data.id,
      attempts: attempt.body.data.attempt.id,
      webhooks: webhook.body.data.id,
      slug: course.slug,
      lessonId: course.lessonIds[1],
    });
  });
  afterAll(() => t.close());

  /** The path with each parameter filled: the fixture of its resource, or `value` when given. */
  function fill(path: string, method: string, value?: string): string {
    return path.replace(/\{(\w+)\}/g, (_, name: string, offset: number) => {
      if (value !== undefined) return value;
      const resource = /\/(\w+)\/$/.exec(path.slice(0, offset))?.[1] ?? name;
      // Deleting (or erasing) the fixtures would turn every later request into a plain 404.
      const destroys = method === 'delete' || path.endsWith('/erase');
      const real = destroys ? undefined : (fixtures[name] ?? fixtures[resource]);
      return real ?? randomUUID();
    });
  }

  function send(
    role: Role,
    method: string,
    url: string,
    body?: unknown,
    raw?: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let req = t.http[method as 'get'](url).set(headers);
    if (role !== 'anonymous') req = req.set(...bearer(users[role]));
    if (raw !== undefined) return req.set('content-type', 'application/json').send(raw);
    return body === undefined ? req : req.send(body as object);
  }

  function expectSafe(res: Response, what: string): void {
    const text = res.text ?? '';
    expect({ what, status: res.status, leak: LEAKS.exec(text)?.[0] ?? null }).toEqual({
      what,
      status: expect.any(Number),
      leak: null,
    });
    expect({ what, serverError: res.status >= 500 ? text : null }).toEqual({
      what,
      serverError: null,
    });
    if (res.status >= 400 && res.type === 'application/json') {
      expect({ what, body: res.body }).toMatchObject({
        what,
        body: { success: false, error: { code: expect.any(String) } },
      });
    }
  }

  describe.each(operations)('$method $path', ({ path, method, operation }) => {
    const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
    const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
    const jsonSchema = resolve(operation.requestBody?.content['application/json']?.schema);
    const fields = Object.keys(jsonSchema.properties ?? {});

    it('answers hostile ids, queries and bodies with a 4xx in the error envelope', async () => {
      for (const role of ROLES) {
        const url = fill(path, method);
        if (pathParams.length > 0) {
          for (const bad of HOSTILE_PATH) {
            const res = await send(role, method, fill(path, method, bad), {});
            expectSafe(res, `${role} ${method} ${path} with path value ${bad}`);
          }
        }
        for (const param of queryParams) {
          for (const bad of HOSTILE_QUERY) {
            const res = await send(role, method, `${url}?${param.name}=${encodeURIComponent(bad)}`);
            expectSafe(res, `${role} ${method} ${path} with ?${param.name}=${bad.slice(0, 20)}`);
          }
        }
        if (method === 'get' || method === 'delete') continue;
        for (const field of fields) {
          for (const bad of HOSTILE_VALUES) {
            const res = await send(role, method, url, { [field]: bad });
            expectSafe(
              res,
              `${role} ${method} ${path} with ${field}=${JSON.stringify(bad)?.slice(0, 30)}`,
            );
          }
          const deep = await send(role, method, url, undefined, `{"${field}":${DEEP}}`);
          expectSafe(deep, `${role} ${method} ${path} with ${field} nested 5000 deep`);
        }
        const wholeBodies: Array<[string, unknown, string?]> = [
          ['an unknown field', { [`unknown${NUL}`]: 1, unexpected: true }],
          ['an array body', [NUL]],
          ['a deeply nested body', undefined, `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`],
          ['malformed JSON', undefined, '{"a":'],
          ['a NUL escape', undefined, '{"title":"\\u0000"}'],
        ];
        for (const [label, body, raw] of wholeBodies) {
          const res = await send(role, method, url, body, raw);
          expectSafe(res, `${role} ${method} ${path} with ${label}`);
        }
        if (!(operation.parameters ?? []).some((p) => p.name === 'Idempotency-Key')) continue;
        for (const key of HOSTILE_KEYS) {
          for (const [label, body, raw] of wholeBodies.slice(0, 2)) {
            const res = await send(role, method, url, body, raw, { 'Idempotency-Key': key });
            expectSafe(res, `${role} ${method} ${path} with key ${key.slice(0, 20)} and ${label}`);
          }
        }
      }
    });
  });

  it('refuses a NUL in a body field, a query and a path parameter with 422', async () => {
    const patch = await send('student', 'patch', '/api/v1/users/me', { fullName: NUL });
    expect(patch.status).toBe(422);
    const query = await send('anonymous', 'get', `/api/v1/courses?q=${encodeURIComponent(NUL)}`);
    expect(query.status).toBe(422);
    const slug = await send('anonymous', 'get', `/api/v1/courses/slug/${encodeURIComponent(NUL)}`);
    expect(slug.status).toBe(422);
  });

  it('bounds page and refuses null for required profile fields with 422', async () => {
    for (const page of ['1e20', '99999999999', '100001']) {
      expect((await send('anonymous', 'get', `/api/v1/courses?page=${page}`)).status).toBe(422);
    }
    expect((await send('anonymous', 'get', '/api/v1/courses?pageSize=1e3')).status).toBe(422);
    expect((await send('anonymous', 'get', '/api/v1/courses?page=100000')).status).toBe(200);
    for (const body of [{ fullName: null }, { metadata: null }]) {
      expect((await send('student', 'patch', '/api/v1/users/me', body)).status).toBe(422);
    }
  });

  it('refuses a body nested deeper than 32 levels with 422, and takes one of 32', async () => {
    const nested = (depth: number) =>
      `{"metadata":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth)}`;
    const deep = await send('student', 'patch', '/api/v1/users/me', undefined, nested(33));
    expect(deep.status).toBe(422);
    const fits = await send('student', 'patch', '/api/v1/users/me', undefined, nested(32));
    expect(fits.status).toBe(200);
  });
});
