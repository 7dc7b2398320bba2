import { beforeEach, describe, expect, it } from 'vitest';
import { HeapPacer } from './heap-pacer';

const MiB = 1024 * 1024;
/** Objects kept alive by the test (so the heap really grows), about `mib` megabytes of them. */
const kept: object[] = [];
function grow(mib: number): void {
  kept.push(Array.from({ length: mib * 20_000 }, (_, i) => ({ i, text: `entry ${i}` })));
}

/** A real full collection first, so garbage of earlier tests cannot shrink the heap in the middle of one. */
function collectNow(): void {
  new HeapPacer(0, 1).check();
}

describe('HeapPacer', () => {
  beforeEach(collectNow);

  it('collects once the heap has grown by its slack, then waits for as much growth again', () => {
    let collections = 0;
    const pacer = new HeapPacer(2 * MiB, 1, () => collections++);
    pacer.check();
    expect(collections).toBe(0);
    grow(8);
    pacer.check();
    expect(collections).toBe(1);
    pacer.check(); // nothing grew since
    expect(collections).toBe(1);
    grow(8);
    pacer.check();
    expect(collections).toBe(2);
    kept.length = 0;
  });

  it('leaves a heap within the slack alone, and reads its size only every n-th call', () => {
    let collections = 0;
    const roomy = new HeapPacer(1024 * MiB, 1, () => collections++);
    grow(8);
    roomy.check();
    expect(collections).toBe(0);

    const sparse = new HeapPacer(2 * MiB, 3, () => collections++);
    grow(8);
    sparse.check();
    sparse.check();
    expect(collections).toBe(0);
    sparse.check();
    expect(collections).toBe(1);
    kept.length = 0;
  });

  it('runs a real full collection by default: garbage is gone after it', async () => {
    const pacer = new HeapPacer(MiB, 1);
    const ref = new WeakRef(Array.from({ length: 200_000 }, (_, i) => ({ i })));
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef keeps its target until the job ends
    pacer.check();
    expect(ref.deref()).toBeUndefined();
  });
});
