import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { Observable } from 'rxjs';
import { markRawResponse } from '../http/response-envelope';

/** Marks the response of a `@RawResponse()` route, which the envelope then leaves alone. */
@Injectable()
export class RawResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    markRawResponse(context.switchToHttp().getResponse<Response>());
    return next.handle();
  }
}

/** The handler's result is sent as is, outside the response envelope (metrics text, JWKS, LTI). */
export const RawResponse = (): MethodDecorator & ClassDecorator =>
  UseInterceptors(RawResponseInterceptor);
