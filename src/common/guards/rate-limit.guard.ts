import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';

/**
 * Budgets are per user when authenticated, else per client IP (Express resolves it through
 * TRUST_PROXY), and per category, never per URL. A refused request still carries the
 * X-RateLimit-* headers besides Retry-After.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as { id?: string } | undefined;
    return user?.id ? `user:${user.id}` : `ip:${String((req as unknown as Request).ip)}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const res = context.switchToHttp().getResponse<Response>();
    const retryAfter = String(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
    res.setHeader('X-RateLimit-Limit', detail.limit);
    res.setHeader('X-RateLimit-Remaining', 0);
    res.setHeader('X-RateLimit-Reset', retryAfter);
    throw new AppError('RATE_LIMITED', 'Too many requests, slow down', [], {
      'Retry-After': retryAfter,
    });
  }
}
