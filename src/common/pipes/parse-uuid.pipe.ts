import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from '../errors/app-error';

/** Path ids that are not UUIDs are a 422 with the parameter named, as the contract says. */
export function uuidParam(field = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new ValidationFailedError([{ field, message: `${field} must be a UUID` }]),
  });
}
