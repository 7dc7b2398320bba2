import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { VerifyReply } from '../check/check-protocol';
import { generateMasterKey } from '../crypto/master-key';
import { configureEngineMemory, createGarbagePacer, heapFlagsForWorkers } from './garbage-collector';
import { startThreadWorker } from './worker-channel';
import { findEngineWorkerScript } from './worker-script';

const MiB = 1024 * 1024;

const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size;

/** Allocations that survive young collections: what makes V8 grow the young generation when it may. */
function survivingBurst(): void {
  const kept: { n: number; pair: number[] }[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    kept.push({ n: i, pair: [i, i] });
    if (kept.length > 200_000) kept.length = 0;
  }
}

describe('engine memory settings', () => {
  it('passes no flags to workers until configured, then the heap flags; configuring twice changes nothing', () => {
    expect(heapFlagsForWorkers()).toEqual([]);
    configureEngineMemory();
    const flags = heapFlagsForWorkers();
    expect(flags).toEqual(['--semi-space-growth-factor=1', '--heap-growing-percent=100']);
    configureEngineMemory();
    expect(heapFlagsForWorkers()).toEqual(flags);
  });

  it('once configured, a burst of surviving allocations does not grow the young generation', () => {
    configureEngineMemory();
    const before = newSpace();
    survivingBurst();
    expect(newSpace()).toBe(before);
  });

  it('stays so after a worker thread starts: setting up its isolate resets a flag, the worker sets it again', async () => {
    configureEngineMemory();
    const script = findEngineWorkerScript();
    if (script === null) throw new Error('no built engine-worker.js (vitest’s global setup builds it)');
    const worker = startThreadWorker(script, 'check', { key: generateMasterKey() });
    try {
      // One job answered: the worker's entry has run.
      const reply = new Promise<VerifyReply>((resolve) => worker.onMessage((m) => resolve(m as VerifyReply)));
      const data = new Uint8Array(0);
      worker.post({
        t: 'verify',
        job: 1,
        packId: 'a'.repeat(64),
        data,
        dataOffset: 0,
        blobs: [],
      });
      expect((await reply).blobFailures).toEqual([]);
      const before = newSpace();
      survivingBurst();
      expect(newSpace()).toBe(before);
    } finally {
      await worker.terminate();
    }
  });
});

describe('garbage pacer', () => {
  it('keeps dead buffers from piling up: a young collection every few megabytes noted', () => {
    const pacer = createGarbagePacer(64 * MiB, 4 * MiB);
    let peak = 0;
    for (let i = 0; i < 200; i++) {
      const buffer = Buffer.allocUnsafeSlow(MiB);
      buffer.fill(i); // used, then dead
      pacer.note(buffer.length);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    // 200 MiB went through; at most the interval's worth (and the one in hand) was ever waiting.
    expect(peak).toBeLessThan(16 * MiB);
  });
});
