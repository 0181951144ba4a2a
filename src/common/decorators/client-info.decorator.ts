import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface ClientInfo {
  /** The client's address as Express resolves it (TRUST_PROXY decides whether to believe proxies). */
  ip: string;
  userAgent?: string;
}

export const Client = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ClientInfo => {
    const req = context.switchToHttp().getRequest<Request>();
    return {
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      userAgent: req.headers['user-agent'],
    };
  },
);
