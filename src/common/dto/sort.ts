import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export interface SortSpec<F extends string> {
  field: F;
  direction: 'ASC' | 'DESC';
}

/** Every accepted `sort` value for these fields: `field` ascending, `-field` descending. */
export function sortValues<F extends string>(fields: readonly F[]): string[] {
  return fields.flatMap((field) => [field, `-${field}`]);
}

/** Decorates a list query's `sort` property: only the listed fields, `-` for descending (else 422). */
export function SortBy(fields: readonly string[], fallback: string): PropertyDecorator {
  const allowed = sortValues(fields);
  return applyDecorators(
    ApiPropertyOptional({ enum: allowed, default: fallback }),
    IsOptional(),
    IsIn(allowed, { message: `sort must be one of: ${allowed.join(', ')}` }),
  );
}

export function parseSort<F extends string>(value: string): SortSpec<F> {
  return value.startsWith('-')
    ? { field: value.slice(1) as F, direction: 'DESC' }
    : { field: value as F, direction: 'ASC' };
}
