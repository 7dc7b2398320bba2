/**
 * Measures the chunker's single-thread throughput on random data (not a test: timings do not belong in CI): the
 * native-backed `Chunker`; native/measure-hotpath-throughput.ts compares it with the JavaScript reference.
 * Run: npx jiti src-main/engine/chunker/measure-chunker-throughput.ts [MiB=256] [bufferMiB=4] [rounds=5] [data]
 * data: `random` (default; ~1/3 of its bytes fall in the unhashed first MinSize − 64 bytes of a chunk) or
 * `periodic` (a random 64-byte pattern repeated: almost never cut, so ~94 % of the bytes are hashed).
 */
import { randomBytes } from 'node:crypto';
import { Chunker } from './chunker';
import { randomIrreduciblePolynomial } from './chunker-polynomial';

function main(): void {
  const totalMiB = Number(process.argv[2] ?? 256);
  const bufferMiB = Number(process.argv[3] ?? 4);
  const rounds = Number(process.argv[4] ?? 5);
  const kind = process.argv[5] ?? 'random';
  const bufferSize = bufferMiB * 1024 * 1024;
  const pattern = randomBytes(64);
  // Distinct buffers so the measurement is not of one cache-resident buffer.
  const buffers = Array.from({ length: Math.ceil(totalMiB / bufferMiB) }, () =>
    kind === 'periodic' ? Buffer.alloc(bufferSize, pattern) : randomBytes(bufferSize),
  );
  const bytes = buffers.length * bufferSize;
  const chunker = new Chunker(randomIrreduciblePolynomial());

  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    let cuts = 0;
    for (const buffer of buffers) cuts += chunker.push(buffer).length;
    if (chunker.finish() !== undefined) cuts++;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const mbPerSecond = bytes / 1e6 / seconds;
    console.log(
      `round ${round + 1}: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(3)} s = ` +
        `${mbPerSecond.toFixed(0)} MB/s (${cuts} chunks, ${bufferMiB} MiB buffers, ${kind} data)`,
    );
  }
}

main();
