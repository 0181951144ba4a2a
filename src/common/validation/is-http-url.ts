import { IsUrl, ValidationOptions } from 'class-validator';

/** An absolute http(s) URL (no javascript:, data: or relative URLs). */
export const IsHttpUrl = (options?: ValidationOptions): PropertyDecorator =>
  IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: '$property must be an http(s) URL', ...options },
  );
