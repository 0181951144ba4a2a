import { SetMetadata } from '@nestjs/common';

export const RAW_RESPONSE_KEY = 'http:rawResponse';

/** The handler's result is sent as is, outside the response envelope (metrics text, files). */
export const RawResponse = (): MethodDecorator & ClassDecorator =>
  SetMetadata(RAW_RESPONSE_KEY, true);
