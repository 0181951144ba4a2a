import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import createClient from 'openapi-fetch';
import request from 'supertest';
import type { LmsClient } from '../../sdk/client';
import type { paths } from '../../sdk/schema';

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

/**
 * A `fetch` that hands the request to the app's HTTP server through supertest, so the generated
 * client runs against a test app without it listening on a port.
 */
function supertestFetch(server: Server): (input: Request) => Promise<Response> {
  return async (input) => {
    const url = new URL(input.url);
    const verb = input.method.toLowerCase() as Verb;
    const test = request(server)
      [verb](url.pathname + url.search)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    input.headers.forEach((value, name) => void test.set(name, value));
    // Text goes as a string: superagent would serialise a Buffer under a JSON content type.
    const type = input.headers.get('content-type') ?? '';
    const payload = input.body
      ? /json|text|urlencoded/.test(type)
        ? await input.text()
        : Buffer.from(await input.arrayBuffer())
      : undefined;
    const res = payload !== undefined ? await test.send(payload) : await test;
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers as Record<string, string | string[]>)) {
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    }
    const empty = res.status === 204 || res.status === 304 || verb === 'head';
    return new Response(empty ? null : (res.body as Buffer), { status: res.status, headers });
  };
}

/**
 * The generated SDK client (sdk/schema.d.ts) against a test app, as `user` when given. Set-up
 * steps (factories) go through it, so they are typed by the contract; the request under test
 * stays on supertest.
 */
export function apiClient(
  t: { app: INestApplication },
  user?: { accessToken: string } | null,
): LmsClient {
  const server = t.app.getHttpServer() as Server;
  return createClient<paths>({
    baseUrl: 'http://lms.test',
    fetch: supertestFetch(server),
    headers: user ? { Authorization: `Bearer ${user.accessToken}` } : {},
  });
}

/** The payload of a successful call, or an error naming the status and the API's error body. */
export function must<T>(
  result: { data?: { data: T }; error?: unknown; response: Response },
  what = 'API call',
): T {
  if (result.data === undefined || result.error !== undefined) {
    throw new Error(
      `${what} failed: ${result.response.status} ${JSON.stringify(result.error ?? null)}`,
    );
  }
  return result.data.data;
}
