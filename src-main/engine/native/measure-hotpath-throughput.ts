/**
 * Single-thread throughput of the hotpath addon against the JavaScript it replaced (not a test: timings do not
 * belong in CI): Poly1305 (native vs @noble/ciphers), the chunker (native `Chunker` vs `ReferenceChunker`), and
 * the whole container `encrypt()` (now vs the same construction with @noble/ciphers' Poly1305, i.e. before).
 * Run: npx jiti src-main/engine/native/measure-hotpath-throughput.ts [MiB=256] [rounds=5]
 * Prints the median of the rounds (after one warm-up round) in MB/s (10^6 bytes per second).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { Chunker, type ContentChunker } from '../chunker/chunker';
import { randomIrreduciblePolynomial } from '../chunker/chunker-polynomial';
import { ReferenceChunker } from '../chunker/reference-chunker';
import { encrypt } from '../crypto/container';
import { generateMasterKey, type MasterKey } from '../crypto/master-key';
import { loadHotpathAddon } from './hotpath-addon';

const MiB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 5);

/** Median MB/s of `rounds` timed runs of `work` (which processes `bytes` bytes), after one untimed warm-up. */
function measure(label: string, bytes: number, work: () => void): number {
  work();
  const speeds: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    speeds.push(bytes / 1e6 / seconds);
  }
  speeds.sort((a, b) => a - b);
  const median = speeds[Math.floor(speeds.length / 2)] ?? Number.NaN;
  const range = `${(speeds[0] ?? 0).toFixed(0)}–${(speeds.at(-1) ?? 0).toFixed(0)}`;
  console.log(`  ${label.padEnd(44)} ${median.toFixed(0).padStart(6)} MB/s  (range ${range})`);
  return median;
}

/** restic's container as it was built before the addon: AES from node:crypto, Poly1305 from @noble/ciphers. */
function encryptWithNoble(key: MasterKey, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(16);
  const ciphertext = createCipheriv('aes-256-ctr', key.encrypt, nonce).update(plaintext);
  const aes = createCipheriv('aes-128-ecb', key.macK, null);
  aes.setAutoPadding(false);
  const oneTimeKey = Buffer.concat([key.macR, aes.update(nonce)]);
  return Buffer.concat([nonce, ciphertext, noblePoly1305(ciphertext, oneTimeKey)]);
}

function chunkAll(chunker: ContentChunker, buffers: readonly Buffer[]): void {
  for (const buffer of buffers) chunker.push(buffer);
  chunker.finish();
}

function main(): void {
  const addon = loadHotpathAddon();
  // 1 MiB messages, the size of an average data blob; distinct buffers so the data is not cache-resident.
  const blobs = Array.from({ length: totalMiB }, () => randomBytes(MiB));
  const bytes = blobs.length * MiB;
  const polyKey = randomBytes(32);
  console.log(`${totalMiB} MiB of random data, ${rounds} rounds, one thread (median, range)`);

  console.log('Poly1305 (1 MiB messages)');
  const noblePoly = measure('@noble/ciphers (pure JS)', bytes, () => {
    for (const blob of blobs) noblePoly1305(blob, polyKey);
  });
  const nativePoly = measure('native (hotpath addon)', bytes, () => {
    for (const blob of blobs) addon.poly1305(polyKey, blob);
  });
  measure('native, portable C99 path (26-bit limbs)', bytes, () => {
    for (const blob of blobs) addon.poly1305Portable(polyKey, blob);
  });

  const polynomial = randomIrreduciblePolynomial();
  const buffers = Array.from({ length: totalMiB / 4 }, (_, i) =>
    Buffer.concat(blobs.slice(4 * i, 4 * i + 4)),
  );
  // A 64-byte pattern repeated: (almost) never cut, so ~94 % of the bytes are hashed — the loop's own speed.
  const periodic = buffers.map(() => Buffer.alloc(4 * MiB, randomBytes(64)));
  console.log('Chunker (4 MiB reads)');
  const referenceRandom = measure('ReferenceChunker (JS), random data', bytes, () =>
    chunkAll(new ReferenceChunker(polynomial), buffers),
  );
  const nativeRandom = measure('Chunker (native loop), random data', bytes, () =>
    chunkAll(new Chunker(polynomial), buffers),
  );
  const referencePeriodic = measure('ReferenceChunker (JS), periodic data', bytes, () =>
    chunkAll(new ReferenceChunker(polynomial), periodic),
  );
  const nativePeriodic = measure('Chunker (native loop), periodic data', bytes, () =>
    chunkAll(new Chunker(polynomial), periodic),
  );

  const key = generateMasterKey();
  console.log('encrypt() end to end (1 MiB plaintexts: AES-256-CTR + AES-128 nonce + Poly1305)');
  const before = measure('before: Poly1305 from @noble/ciphers', bytes, () => {
    for (const blob of blobs) encryptWithNoble(key, blob);
  });
  const after = measure('after: container.encrypt (native Poly1305)', bytes, () => {
    for (const blob of blobs) encrypt(key, blob);
  });

  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  console.log(
    `speed-ups: Poly1305 ${ratio(nativePoly, noblePoly)}, chunker ${ratio(nativeRandom, referenceRandom)} ` +
      `(random) / ${ratio(nativePeriodic, referencePeriodic)} (periodic), encrypt() ${ratio(after, before)}`,
  );
}

main();
