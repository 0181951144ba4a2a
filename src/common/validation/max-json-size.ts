import { ValidateBy, ValidationOptions } from 'class-validator';

/** Rejects JSON values (e.g. `metadata`) whose serialized form exceeds `maxBytes`. */
export function MaxJsonSize(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonSize',
      validator: {
        validate: (value: unknown) =>
          Buffer.byteLength(JSON.stringify(value ?? null), 'utf8') <= maxBytes,
        defaultMessage: () => `$property must be at most ${maxBytes} bytes of JSON`,
      },
    },
    options,
  );
}
