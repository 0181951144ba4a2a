import { StorageBackend } from './storage.backend';
import { StoredObjectDeletions, storedObjectDeletionJob } from './stored-object-deletions';

/** A store whose deletions fail for the keys in `failing` (as a storage outage would). */
class FlakyStorage {
  readonly stored = new Set(['a', 'b', 'c']);
  readonly failing = new Set<string>();

  delete(key: string): Promise<void> {
    if (this.failing.has(key)) return Promise.reject(new Error('storage unavailable'));
    this.stored.delete(key);
    return Promise.resolve();
  }
}

describe('StoredObjectDeletions', () => {
  it('deletes every key, and asks for a retry (throws) while some cannot be deleted', async () => {
    const storage = new FlakyStorage();
    const deletions = new StoredObjectDeletions(storage as unknown as StorageBackend);
    storage.failing.add('b');
    await expect(deletions.deleteAll({ keys: ['a', 'b', 'c'] })).rejects.toThrow(
      '1 of 3 stored object(s) not deleted yet',
    );
    expect([...storage.stored]).toEqual(['b']);

    // The retry: the storage is back; objects deleted before are simply missing now.
    storage.failing.clear();
    await deletions.deleteAll({ keys: ['a', 'b', 'c'] });
    expect(storage.stored.size).toBe(0);
  });

  it('queues keys only, on the maintenance queue', () => {
    expect(storedObjectDeletionJob(['k1', 'k2'])).toEqual({
      queue: 'maintenance',
      name: 'delete-stored-objects',
      payload: { keys: ['k1', 'k2'] },
    });
  });
});
