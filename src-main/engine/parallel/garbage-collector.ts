/**
 * Keeping the engine's memory near what it really uses. A backup turns every megabyte of input into several
 * short-lived buffers (chunk, compressed, encrypted) in several threads. Two things let dead memory pile up:
 * V8 frees a buffer's memory only when a GC runs, and starts one only after tens of megabytes of such external
 * memory have accumulated — per thread; and glibc's malloc keeps freed memory in its arenas instead of giving it
 * back. So each thread collects after every `interval` bytes of work (a few milliseconds: the heaps here are
 * small), and memory is trimmed (malloc_trim, which covers every thread's arena) on a timer in the main thread.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadPosixFsAddon } from '../native/posix-fs-addon';

let collect: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  // `gc` is exposed only to contexts created after the flag is set; the function works for the whole isolate.
  setFlagsFromString('--expose-gc');
  const candidate: unknown = runInNewContext('typeof gc === "function" ? gc : null');
  collect = typeof candidate === 'function' ? (candidate as () => void) : null;
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

export interface GarbagePacer {
  /** Records `bytes` of buffers made dead; collects when enough piled up. */
  note(bytes: number): void;
}

export function createGarbagePacer(interval = 48 * 1024 * 1024): GarbagePacer {
  const gc = gcFunction();
  let pending = 0;
  return {
    note(bytes) {
      if (gc === null) return;
      pending += bytes;
      if (pending >= interval) {
        pending = 0;
        gc();
        // No malloc_trim here: it walks every arena of the process and cost each worker ~2% of its time; the
        // coordinating thread's trimmer (startMemoryTrimmer) trims all arenas, workers' included, every second.
      }
    },
  };
}

/** Trims memory every `intervalMs` until the returned function is called (for the coordinating thread). */
export function startMemoryTrimmer(intervalMs = 1000): () => void {
  const timer = setInterval(releaseFreeMemory, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
