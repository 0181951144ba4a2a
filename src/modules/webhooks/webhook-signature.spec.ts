import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

// The test vector of the Standard Webhooks specification.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signWebhook', () => {
  it('matches the Standard Webhooks test vector', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(
      VECTOR.signature,
    );
  });
});

describe('verifyWebhook', () => {
  const headers = {
    id: VECTOR.id,
    timestamp: String(VECTOR.timestamp),
    signature: VECTOR.signature,
  };

  it('accepts the vector at its own time', () => {
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp)).toBe(true);
  });

  it('accepts when one of several signatures matches', () => {
    const several = { ...headers, signature: `v1,bm90IGl0 ${VECTOR.signature}` };
    expect(verifyWebhook(VECTOR.secret, several, VECTOR.body, VECTOR.timestamp)).toBe(true);
  });

  it('refuses a changed body, another secret, or an old timestamp', () => {
    expect(verifyWebhook(VECTOR.secret, headers, '{"test": 1}', VECTOR.timestamp)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, VECTOR.body, VECTOR.timestamp)).toBe(false);
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp + 301)).toBe(false);
  });

  it('accepts a timestamp exactly at the tolerance, in the past or the future, and no further', () => {
    const at = (now: number) => verifyWebhook(VECTOR.secret, headers, VECTOR.body, now, 300);
    expect(at(VECTOR.timestamp + 300)).toBe(true);
    expect(at(VECTOR.timestamp - 300)).toBe(true);
    expect(at(VECTOR.timestamp + 301)).toBe(false);
    expect(at(VECTOR.timestamp - 301)).toBe(false);
  });

  it('checks the timestamp against the current time by default', () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = { ...headers, timestamp: String(now), signature: '' };
    fresh.signature = signWebhook(VECTOR.secret, VECTOR.id, now, VECTOR.body);
    expect(verifyWebhook(VECTOR.secret, fresh, VECTOR.body)).toBe(true);
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body)).toBe(false);
  });
});

describe('newWebhookSecret', () => {
  it('is whsec_ and 32 random bytes in base64', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});
