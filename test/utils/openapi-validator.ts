import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import type { MethodOf, Route } from './contract';

const DOCUMENT_ID = 'openapi.json';
const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, DOCUMENT_ID);
const cache = new Map<string, ValidateFunction>();

const pointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Asserts that a real response matches the schema the committed OpenAPI document gives for this
 * route and status, so the document (and SDKs generated from it) cannot drift from the server.
 * `route` is the documented template, e.g. `/api/v1/courses/{id}`, typed by the generated `paths`
 * so that a renamed or removed endpoint fails to compile.
 */
export function expectMatchesOpenApi<R extends Route>(
  res: Response,
  method: MethodOf<R>,
  route: R,
): void {
  const status = String(res.status);
  const operation = document.paths[route]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${route} is not in openapi.json`);
  if (!operation.responses[status]) {
    throw new Error(`${method} ${route} does not document status ${status}`);
  }
  const ref = `${DOCUMENT_ID}#/paths/${pointer(route)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    cache.set(ref, validate);
  }
  if (!validate(res.body)) {
    throw new Error(
      `${method} ${route} ${status} does not match openapi.json: ${ajv.errorsText(validate.errors)}`,
    );
  }
}
