import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/app-error';

const CHECKED: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/** The path of the first string (value or key) in `value` that holds a NUL, or undefined. */
export function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return path || '(key)';
    const found = findNul(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL refuses NUL (U+0000) in text and jsonb, so no request value may carry one: a body
 * field, query or path parameter with a NUL is 422 before any DTO or service sees it.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!CHECKED.has(metadata.type)) return value;
    const field = findNul(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    if (field !== undefined) {
      throw new ValidationFailedError([
        { field: field || metadata.type, message: 'must not contain NUL characters' },
      ]);
    }
    return value;
  }
}
