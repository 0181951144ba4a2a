import { ValidateBy, ValidationOptions } from 'class-validator';

export interface StringRecordLimits {
  maxKeys: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/** A plain object whose values are all strings, within limits (e.g. LTI custom parameters). */
export function isStringRecord(value: unknown, limits: StringRecordLimits): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= limits.maxKeys &&
    entries.every(
      ([key, item]) =>
        key.length >= 1 &&
        key.length <= limits.maxKeyLength &&
        typeof item === 'string' &&
        item.length <= limits.maxValueLength,
    )
  );
}

export function IsStringRecord(
  limits: StringRecordLimits,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) => isStringRecord(value, limits),
        defaultMessage: () =>
          `$property must be an object of at most ${limits.maxKeys} string values ` +
          `(keys up to ${limits.maxKeyLength}, values up to ${limits.maxValueLength} characters)`,
      },
    },
    options,
  );
}
