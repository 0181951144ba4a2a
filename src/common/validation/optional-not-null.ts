import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()` for a field whose column is NOT NULL: the field may be left out, but an
 * explicit `null` is validated (and refused by the field's other rules) instead of reaching the
 * database as a NULL (a 500).
 */
export const IsOptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
