import { AdmissionGate } from './admission-gate';

/** A task that finishes when told to. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('AdmissionGate', () => {
  it('runs at most `limit` tasks at once and admits the waiting ones in arrival order', async () => {
    const gate = new AdmissionGate(2);
    const tasks = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const runs = tasks.map((task, i) =>
      gate.run(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await task.done;
        running -= 1;
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(3);
    tasks[1].finish();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    tasks[0].finish();
    tasks[2].finish();
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    tasks[3].finish();
    tasks[4].finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(gate.queued).toBe(0);
  });

  it('frees the slot of a failing task and passes its error on', async () => {
    const gate = new AdmissionGate(1);
    const failing = gate.run(() => Promise.reject(new Error('boom')));
    const next = gate.run(() => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    // The slot is free again: a new task runs at once.
    let ran = false;
    await gate.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('refuses a limit below 1', () => {
    expect(() => new AdmissionGate(0)).toThrow(RangeError);
  });
});
