import type { Request, Response } from 'express';
import { currentRequestScope, requestScopeMiddleware, setRequestActor } from './request-scope';

function request(id: string): Request {
  return { id, ip: '203.0.113.7', socket: {} } as unknown as Request;
}

describe('request scope', () => {
  it('is opened by the middleware around the rest of the pipeline, awaits included', async () => {
    let seen: unknown;
    await new Promise<void>((resolve) =>
      requestScopeMiddleware(request('req-1'), {} as Response, () => {
        void Promise.resolve().then(() => {
          seen = { ...currentRequestScope()! };
          resolve();
        });
      }),
    );
    expect(seen).toEqual({ requestId: 'req-1', ip: '203.0.113.7', actor: null });
    expect(currentRequestScope()).toBeUndefined();
  });

  it('gets its actor from the authentication guard, for that request only', () => {
    const actors: unknown[] = [];
    requestScopeMiddleware(request('a'), {} as Response, () => {
      setRequestActor({ id: 'u1', role: 'admin', jti: 'j', exp: 0 });
      actors.push(currentRequestScope()!.actor);
    });
    requestScopeMiddleware(request('b'), {} as Response, () => {
      actors.push(currentRequestScope()!.actor);
    });
    expect(actors).toEqual([{ id: 'u1', role: 'admin' }, null]);
    expect(() => setRequestActor({ id: 'u2', role: 'student', jti: 'j', exp: 0 })).not.toThrow();
  });
});
