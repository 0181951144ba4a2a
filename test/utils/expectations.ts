import type { Response } from 'supertest';

/**
 * The error envelope of API.md with this status and code: message, details and request id
 * included. Extra documented members (the readiness 503 also carries `data`) are allowed.
 */
export function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: {
      success: false,
      message: expect.any(String),
      error: { code, details: expect.any(Array) },
      requestId: expect.any(String),
    },
  });
}

/** Exactly the error envelope, nothing else in the body. */
export function expectExactError(res: Response, status: number, code: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      success: false,
      message: expect.any(String),
      error: { code, details: expect.any(Array) },
      requestId: expect.any(String),
    },
  });
}

/** 422 VALIDATION_ERROR, naming `field` in its details when given. */
export function expectValidationError(res: Response, field?: string): void {
  expectError(res, 422, 'VALIDATION_ERROR');
  if (field) {
    const fields = (res.body.error.details as Array<{ field?: string }>).map((d) => d.field);
    expect(fields).toContain(field);
  }
}

/** Every key of a JSON value, at any depth (to prove a field appears nowhere). */
export function keysOf(value: unknown): Set<string> {
  const keys = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        keys.add(key);
        visit(child);
      }
    }
  };
  visit(value);
  return keys;
}
