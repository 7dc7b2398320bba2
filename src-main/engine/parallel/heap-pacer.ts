/**
 * Full collections for the coordinating thread, paced by how much its heap grew. A backup's walk or a prune's
 * tree walk makes objects that live a little while (a directory's entries until its tree is written, a tree's
 * nodes while its children are queued); the engine keeps the young generation small (garbage-collector.ts), so
 * they get promoted, and V8 lets the old generation grow to twice what survived before it collects again — tens of
 * megabytes of dead objects, resident. This collects once the heap has grown by `slack` bytes since the last
 * collection, so the peak stays near the live size. A collection costs a few milliseconds on these heaps.
 */
import { getHeapStatistics } from 'node:v8';
import { gcFunction } from './garbage-collector';

export class HeapPacer {
  private calls = 0;
  private limit: number;

  /** `every`: the heap size is read on every `every`-th call only (about a microsecond each). */
  constructor(
    private readonly slack = 16 * 1024 * 1024,
    private readonly every = 8,
    private readonly gc: (() => void) | null = gcFunction(),
  ) {
    this.limit = usedHeap() + slack;
  }

  /** Call often (per directory, per tree): collects when the heap grew by `slack` since the last collection. */
  check(): void {
    if (this.gc === null || ++this.calls % this.every !== 0) return;
    if (usedHeap() < this.limit) return;
    this.gc();
    this.limit = usedHeap() + this.slack;
  }
}

function usedHeap(): number {
  return getHeapStatistics().used_heap_size;
}
