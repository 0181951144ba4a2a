import { Clock } from '../../common/time/clock';
import { MemoryKeyValueStore } from '../../infra/kv/memory-key-value.store';
import { CourseCache, LOCAL_ENTRIES } from './course-cache';

class FakeClock extends Clock {
  ms = 1_000_000;
  override now(): Date {
    return new Date(this.ms);
  }
}

describe('CourseCache', () => {
  let clock: FakeClock;
  let store: MemoryKeyValueStore;
  let cache: CourseCache;
  let loads: number;
  const load = (value: unknown) => () => {
    loads++;
    return Promise.resolve(value);
  };

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryKeyValueStore(() => clock.ms);
    cache = new CourseCache(store, clock);
    loads = 0;
  });

  it('serves a kept page with one read of the version and no second load', async () => {
    await cache.remember('page', { page: 1 }, load({ items: [1] }));
    const reads = jest.spyOn(store, 'get');
    expect(await cache.remember('page', { page: 1 }, load({ items: [2] }))).toEqual({ items: [1] });
    expect(reads.mock.calls).toEqual([['catalogue:version']]);
    expect(loads).toBe(1);
  });

  it('freezes what it keeps, since every request shares it', async () => {
    const page = await cache.remember('page', {}, load({ items: [{ title: 'A' }] }));
    expect(Object.isFrozen(page)).toBe(true);
    expect(Object.isFrozen((page as { items: object[] }).items[0])).toBe(true);
  });

  it('reloads after an invalidation, made by this process or another one on the same store', async () => {
    await cache.remember('page', {}, load('v1'));
    const other = new CourseCache(store, clock);
    await other.invalidate();
    expect(await cache.remember('page', {}, load('v2'))).toBe('v2');
    expect(loads).toBe(2);
  });

  it('takes a page another process stored, and drops kept entries after 30 s', async () => {
    const other = new CourseCache(store, clock);
    await other.remember('page', {}, load('from the other process'));
    expect(await cache.remember('page', {}, load('loaded'))).toBe('from the other process');
    clock.ms += 30_001;
    expect(await cache.remember('page', {}, load('fresh'))).toBe('fresh');
    expect(loads).toBe(2);
  });

  it(`keeps at most ${LOCAL_ENTRIES} entries, dropping the oldest`, async () => {
    for (let i = 0; i <= LOCAL_ENTRIES; i++) await cache.remember('page', { i }, load(i));
    // The store still has the first one: only this process's copy was dropped.
    const reads = jest.spyOn(store, 'get');
    expect(await cache.remember('page', { i: 0 }, load('again'))).toBe(0);
    expect(reads).toHaveBeenCalledTimes(2);
    reads.mockClear();
    expect(await cache.remember('page', { i: LOCAL_ENTRIES }, load('again'))).toBe(LOCAL_ENTRIES);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('loads from the database, caching nothing, when the store cannot be read', async () => {
    jest.spyOn(store, 'get').mockRejectedValue(new Error('down'));
    expect(await cache.remember('page', {}, load('a'))).toBe('a');
    expect(await cache.remember('page', {}, load('b'))).toBe('b');
  });
});
