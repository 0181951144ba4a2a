import type { Request, Response } from 'express';
import { requestScopeMiddleware } from '../../common/http/request-scope';
import { requestIdBinding, writesAt } from './logging.module';

describe('logging', () => {
  it('puts the request id on log lines written while serving the request, and only then', () => {
    let inside: unknown;
    requestScopeMiddleware(
      { id: 'req-9', ip: '203.0.113.7', socket: {} } as unknown as Request,
      {} as Response,
      () => {
        inside = requestIdBinding();
      },
    );
    expect(inside).toEqual({ requestId: 'req-9' });
    expect(requestIdBinding()).toEqual({});
  });

  it('writes the per-response line only at info and below', () => {
    expect(writesAt('info', 'info')).toBe(true);
    expect(writesAt('debug', 'info')).toBe(true);
    expect(writesAt('warn', 'info')).toBe(false);
    expect(writesAt('silent', 'info')).toBe(false);
  });
});
