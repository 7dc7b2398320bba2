/**
 * Prompt collection of dead buffers in the engine's threads. A backup turns every megabyte of input into several
 * short-lived buffers (chunk, compressed, encrypted); V8 frees their memory only when a GC runs, and it starts one
 * only after tens of megabytes of such external memory have piled up — per thread. With three threads that is
 * hundreds of megabytes of dead buffers. Collecting after every `interval` bytes of work keeps the peak close
 * to the live data at a cost of a few milliseconds per collection (the heaps here are small).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  // `gc` is exposed only to contexts created after the flag is set; the function works for the whole isolate.
  setFlagsFromString('--expose-gc');
  const candidate: unknown = runInNewContext('typeof gc === "function" ? gc : null');
  collect = typeof candidate === 'function' ? (candidate as () => void) : null;
  return collect;
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
      }
    },
  };
}
