import type { IncomingMessage } from 'node:http';
import { ValidationFailedError } from '../errors/app-error';

/** Deeper than any body of the API (a quiz question with options is 4 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, counting brackets outside strings. Stops counting once past
 * `limit`, so a hostile 1 MB of `[[[[...` costs one pass and nothing more.
 */
export function jsonDepthExceeds(text: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: text[text.length] is undefined and matches no branch (equivalent)
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * body-parser `verify` hook: a body nested deeper than MAX_JSON_DEPTH is refused (422) before it
 * is parsed, so that no recursive step after it (class-transformer, validation, jsonb) can blow
 * the stack.
 */
export function verifyJsonDepth(_req: IncomingMessage, _res: unknown, body: Buffer): void {
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
    throw new ValidationFailedError(
      [{ field: 'body', message: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` }],
      'Request body nested too deeply',
    );
  }
}
