import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import type { AuthenticatedUser } from '../auth/roles';
import { requestIdOf } from '../http/request-context';
import { runInRequestScope } from '../http/request-scope';

/**
 * Opens the request scope (request id, client IP, authenticated caller) around the handler. An
 * interceptor rather than a middleware: it runs after the guards, so the caller is known, and
 * the body parsers' stream callbacks cannot lose the asynchronous context.
 */
@Injectable()
export class RequestScopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const scope = {
      requestId: requestIdOf(req),
      ip: req.ip ?? req.socket.remoteAddress ?? '',
      actor: req.user ? { id: req.user.id, role: req.user.role } : null,
    };
    return new Observable((subscriber) =>
      runInRequestScope(scope, () => next.handle().subscribe(subscriber)),
    );
  }
}
