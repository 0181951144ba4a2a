import { ServiceUnavailableError } from '../../common/errors/app-error';
import { MemoryKeyValueStore } from '../../infra/kv/memory-key-value.store';
import { RevokedTokensRepository } from './revoked-tokens.repository';
import { RevokedTokensStore } from './revoked-tokens.store';

const JTI = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;

/** The key-value store as Redis behaves: trusted or not, answering or failing. */
class FakeStore extends MemoryKeyValueStore {
  trusted = true;
  failing = false;
  reads = 0;

  override isTrusted(): boolean {
    return this.trusted;
  }

  override async get(key: string): Promise<string | null> {
    this.reads += 1;
    if (this.failing) throw new ServiceUnavailableError();
    return super.get(key);
  }

  override async set(key: string, value: string, ttl: number): Promise<void> {
    if (this.failing) throw new ServiceUnavailableError();
    return super.set(key, value, ttl);
  }
}

/** `revoked_tokens` in memory, or failing like a database that is down. */
function fakeRepository() {
  const rows = new Set<string>();
  const state = { down: false, reads: 0 };
  const guard = () => {
    if (state.down) throw new Error('connection refused');
  };
  const repo = {
    insert: async (jti: string) => {
      guard();
      rows.add(jti);
    },
    exists: async (jti: string) => {
      state.reads += 1;
      guard();
      return rows.has(jti);
    },
    findLive: async () => [...rows].map((jti) => ({ jti, ttl: 600 })),
    deleteExpiredBefore: async () => 0,
  };
  return { repo: repo as unknown as RevokedTokensRepository, state };
}

describe('RevokedTokensStore', () => {
  it('answers from the fast path while it is trusted, without reading PostgreSQL', async () => {
    const store = new FakeStore();
    const { repo, state } = fakeRepository();
    const revoked = new RevokedTokensStore(repo, store);
    await revoked.revoke(JTI, inTenMinutes());
    expect(await revoked.isRevoked(JTI)).toBe(true);
    expect(await revoked.isRevoked('other')).toBe(false);
    expect(state.reads).toBe(0);
  });

  it('reads PostgreSQL while the fast path is untrusted, and when a read of it fails', async () => {
    const store = new FakeStore();
    const { repo, state } = fakeRepository();
    const revoked = new RevokedTokensStore(repo, store);
    store.failing = true;
    await revoked.revoke(JTI, inTenMinutes());
    expect(await revoked.isRevoked(JTI)).toBe(true);
    store.failing = false;
    store.trusted = false;
    expect(await revoked.isRevoked(JTI)).toBe(true);
    expect(state.reads).toBe(2);
  });

  it('fails closed (503) only when both are unavailable', async () => {
    const store = new FakeStore();
    const { repo, state } = fakeRepository();
    const revoked = new RevokedTokensStore(repo, store);
    state.down = true;
    expect(await revoked.isRevoked(JTI)).toBe(false);
    store.failing = true;
    await expect(revoked.isRevoked(JTI)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(revoked.revoke(JTI, inTenMinutes())).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it('refills the fast path from PostgreSQL on recovery', async () => {
    const store = new FakeStore();
    const { repo } = fakeRepository();
    await repo.insert(JTI, new Date());
    const revoked = new RevokedTokensStore(repo, store);
    revoked.onModuleInit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.get(`revoked-jti:${JTI}`)).toBe('1');
  });
});
