/**
 * Keeping the engine's memory near what it really uses. A backup turns every megabyte of input into several
 * short-lived buffers (chunk, compressed, encrypted) in several threads. Two things let dead memory pile up:
 * V8 frees a buffer's memory only when a GC runs, and starts one only after tens of megabytes of such external
 * memory have accumulated — per thread; and glibc's malloc keeps freed memory in its arenas instead of giving it
 * back. So each worker collects its young generation after every few megabytes of dead buffers (a fraction of a
 * millisecond) and fully now and then; the allocator is told to map large buffers on their own (returned when
 * freed); V8 is told to keep the heaps small; and the main thread trims the main arena (malloc_trim) on a timer.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadPosixFsAddon } from '../native/posix-fs-addon';

/** V8's `gc` with the options its extension takes (`{ type: 'minor' }`: only the young generation). */
type Collect = (options?: { type: 'minor' | 'major' }) => void;

let collect: Collect | null | undefined;

export function gcFunction(): Collect | null {
  if (collect !== undefined) return collect;
  // `gc` is exposed only to contexts created after the flag is set; the function works for the whole isolate.
  setFlagsFromString('--expose-gc');
  const candidate: unknown = runInNewContext('typeof gc === "function" ? gc : null');
  collect = typeof candidate === 'function' ? (candidate as Collect) : null;
  return collect;
}

/** Returns free heap memory to the system where the C library allows it; a missing addon is reported elsewhere. */
export function releaseFreeMemory(): void {
  try {
    loadPosixFsAddon().releaseFreeMemory();
  } catch {
    // Without the addon memory is only released later; the archiver already warns that the addon is missing.
  }
}

let discard: ((view: Uint8Array) => number) | null | undefined;

/**
 * Releases the memory of a large buffer that is dead now (nothing reads it again) but that V8 would free only at
 * its next collection: its whole pages stop being resident at once. Large buffers are mapped on their own (see
 * configureEngineMemory), so this touches nothing else; a small buffer has no whole page of its own and is left
 * alone. Without the addon it does nothing. Returns the bytes released.
 */
export function discardBuffer(view: Uint8Array): number {
  if (view.byteLength < discardMinimum) return 0;
  if (discard === undefined) {
    try {
      discard = loadPosixFsAddon().discardPages ?? null;
    } catch {
      discard = null;
    }
  }
  return discard === null ? 0 : discard(view);
}

/**
 * From this size buffers are mapped on their own (allocatorMmapThreshold); smaller ones share an arena, where
 * releasing their whole pages would be safe as well but would save little for a system call each.
 */
const discardMinimum = 1024 * 1024;

export interface GarbagePacer {
  /** Records `bytes` of buffers made dead; collects when enough piled up. */
  note(bytes: number): void;
}

/**
 * Collects after every `minorInterval` bytes of dead buffers with a young-generation collection, and after every
 * `fullInterval` with a full one. Buffers that die young — a decoded blob, an encrypted copy, a pack handed
 * over and processed — are freed by the young collection, which costs a fraction of a millisecond on these small
 * heaps, so dead memory never piles up beyond a few megabytes; the full collection, a few milliseconds, frees
 * what lived long enough to be promoted (chunks that waited for an answer).
 */
export function createGarbagePacer(
  fullInterval = 48 * 1024 * 1024,
  minorInterval = 8 * 1024 * 1024,
): GarbagePacer {
  const gc = gcFunction();
  let sinceFull = 0;
  let sinceMinor = 0;
  return {
    note(bytes) {
      if (gc === null) return;
      sinceFull += bytes;
      sinceMinor += bytes;
      if (sinceFull >= fullInterval) {
        sinceFull = 0;
        sinceMinor = 0;
        gc();
        // No malloc_trim here: it walks every arena of the process and cost each worker ~2% of its time; the
        // coordinating thread's trimmer (startMemoryTrimmer) runs it every second.
      } else if (sinceMinor >= minorInterval) {
        sinceMinor = 0;
        gc({ type: 'minor' });
      }
    },
  };
}

/**
 * glibc's thresholds for the engine (see configureAllocator in native/posix-fs/posix-fs.c): buffers of a megabyte
 * and more — pack reads, chunks, blobs — are mapped on their own and unmapped as soon as they are freed, and an
 * arena gives back a free top larger than a megabyte. glibc's own, adaptive thresholds rise to 32/64 MiB after
 * the first large frees, and then each worker thread's arena keeps tens of megabytes of dead buffers resident
 * (malloc_trim cannot return those: it releases the main arena's free pages only). The price is a page fault per
 * 4 KiB of each fresh large buffer, which is why the hot paths reuse theirs (chunk pool, read buffers, scratch).
 */
const allocatorMmapThreshold = 1024 * 1024;
const allocatorTrimThreshold = 1024 * 1024;

/**
 * V8's heap sizing for the engine's threads. By default V8 sizes a heap for throughput: the young generation of
 * the main thread grows to 32 MB as soon as a burst of allocations survives (loading the index, decoding a large
 * tree), and stays there; and the old generation may grow to up to four times what survived the last full
 * collection before the next one. For an engine operation that is tens of megabytes of garbage and empty young
 * space, resident, on top of what it uses. With these flags the young generation keeps the size it has (2 MB
 * when the engine configures it first, 8 MB after the CLI's start-up) and the old generation grows to twice its
 * live size: measured on the benchmark (bench/engine) 30–70 MB less peak memory per operation for 3–10% more CPU
 * time in collections. Both flags are read by V8 each time it sizes the heap, so setting them at run time takes
 * effect, for every thread of the process; `--expose-gc` (above) is set the same way. One catch: V8 resets a
 * growth factor below 2 to 2 whenever it sets up an isolate — every worker thread — so each of our workers applies
 * the flags again as its first step (heapFlagsForWorkers), and the trimmer re-applies them every second in case
 * something else started a thread.
 */
const heapFlags = ['--semi-space-growth-factor=1', '--heap-growing-percent=100'];
let configured = false;

/** The flags a new worker thread must apply again at its start: none unless this thread configured them. */
export function heapFlagsForWorkers(): string[] {
  return configured ? [...heapFlags] : [];
}

/** Applies V8 flags (in a worker: those its creator passed, see heapFlagsForWorkers). */
export function applyV8Flags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

/**
 * Applies the heap flags and the allocator thresholds above, once per process (both are process-wide). Called when
 * a repository is opened — before an operation's first large allocation — and again by each operation that moves
 * much data (backup, restore, check, prune) before it starts workers.
 */
export function configureEngineMemory(): void {
  if (configured) return;
  configured = true;
  applyV8Flags(heapFlags);
  try {
    loadPosixFsAddon().configureAllocator?.(allocatorMmapThreshold, allocatorTrimThreshold);
  } catch {
    // Without the addon glibc keeps its adaptive thresholds; the operations warn about the missing addon.
  }
}

/**
 * For the coordinating thread of a backup, restore, check or prune, before it starts workers: configures the
 * engine's memory (above) and trims memory every `intervalMs` until the returned function is called.
 */
export function startMemoryTrimmer(intervalMs = 1000): () => void {
  configureEngineMemory();
  const timer = setInterval(() => {
    applyV8Flags(heapFlagsForWorkers()); // cheap; covers a thread started by anything else than our workers
    releaseFreeMemory();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
