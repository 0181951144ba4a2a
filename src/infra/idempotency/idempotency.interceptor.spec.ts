import { ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import type { Response } from 'express';
import { lastValueFrom, of, throwError } from 'rxjs';
import { envelope, RawBody } from '../../common/http/response-envelope';
import { Clock } from '../../common/time/clock';
import { SecretBox } from '../crypto/secret-box';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { ClaimOutcome, IdempotencyStore, StoredResponse } from './idempotency.store';

/** A store that answers `claim` with `outcome` and records what the interceptor did. */
class FakeStore {
  calls: string[] = [];
  completed?: StoredResponse;
  constructor(private readonly outcome: ClaimOutcome) {}
  claim(): Promise<ClaimOutcome> {
    this.calls.push('claim');
    return Promise.resolve(this.outcome);
  }
  complete(_scope: string, _key: string, response: StoredResponse): Promise<void> {
    this.calls.push('complete');
    this.completed = response;
    return Promise.resolve();
  }
  release(): Promise<void> {
    this.calls.push('release');
    return Promise.resolve();
  }
}

function context(headers: Record<string, string>, res: { statusCode: number }) {
  const response = {
    ...res,
    headersSent: false,
    headers: {} as Record<string, string>,
    getHeader: (name: string) => response.headers[name],
    setHeader: (name: string, value: string) => (response.headers[name] = value),
    status(code: number) {
      response.statusCode = code;
      return response;
    },
  };
  const request = {
    method: 'POST',
    originalUrl: '/api/v1/courses',
    headers,
    body: { title: 'x' },
    user: { id: 'u1' },
  };
  const ctx = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { ctx, response };
}

describe('IdempotencyInterceptor', () => {
  const box = new SecretBox('a-test-key-that-is-long-enough-0123456789');
  const make = (store: FakeStore) =>
    new IdempotencyInterceptor(
      { responseEnvelope: true } as never,
      store as unknown as IdempotencyStore,
      box,
      new Clock(),
    );

  it('releases the key when the handler fails with a 5xx, so that a retry can run', async () => {
    const store = new FakeStore({ kind: 'claimed' });
    const { ctx } = context({ 'idempotency-key': 'k' }, { statusCode: 201 });
    const failing = { handle: () => throwError(() => new InternalServerErrorException()) };
    await expect(lastValueFrom(make(store).intercept(ctx, failing))).rejects.toBeInstanceOf(
      InternalServerErrorException,
    );
    expect(store.calls).toEqual(['claim', 'release']);
  });

  it('keeps the enveloped 2xx response sealed and replays it, enveloped once, with the header', async () => {
    const store = new FakeStore({ kind: 'claimed' });
    const first = context({ 'idempotency-key': 'k' }, { statusCode: 201 });
    // A long marker: a short one ("c1") turns up in random ciphertext now and then.
    const body = { id: 'plaintext-course-identifier' };
    const result = await lastValueFrom(
      make(store).intercept(first.ctx, { handle: () => of(body) }),
    );
    expect(result).toBe(body);
    expect(store.calls).toEqual(['claim', 'complete']);
    expect(store.completed!.status).toBe(201);
    expect(store.completed!.body).not.toContain('plaintext-course-identifier');
    const sent = envelope(result, first.response as unknown as Response, true);
    expect(sent).toEqual({ success: true, message: 'OK', data: body });

    const replaying = new FakeStore({ kind: 'replay', response: store.completed! });
    const again = context({ 'idempotency-key': 'k' }, { statusCode: 201 });
    const handler = { handle: jest.fn(() => of({ other: true })) };
    const replayed = await lastValueFrom(make(replaying).intercept(again.ctx, handler));
    expect(replayed).toBeInstanceOf(RawBody);
    expect(envelope(replayed, again.response as unknown as Response, true)).toEqual(sent);
    expect(handler.handle).not.toHaveBeenCalled();
    expect(again.response.headers['Idempotent-Replayed']).toBe('true');
    expect(again.response.statusCode).toBe(201);
  });

  it('leaves requests without the header alone', async () => {
    const store = new FakeStore({ kind: 'claimed' });
    const { ctx } = context({}, { statusCode: 201 });
    await lastValueFrom(make(store).intercept(ctx, { handle: () => of(1) }));
    expect(store.calls).toEqual([]);
  });
});
