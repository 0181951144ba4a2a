/** class-transformer `@Transform` helpers shared by the DTOs of every module. */

/** Strings lose surrounding whitespace; other values pass through to be validated. */
export const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Query-string booleans: 'true' and 'false' become booleans; anything else is left to fail. */
export const queryBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
