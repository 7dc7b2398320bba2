/**
 * restic's content-defined chunker (restic/chunker v0.4.0): our chunk boundaries — and so our data blob IDs — are
 * exactly restic's for the same repository polynomial. That is what makes our backups dedupe against restic's and
 * restic's against ours. The rules are in reference-chunker.ts (the JavaScript reference implementation) and in
 * restic-format-v2.md §12.
 *
 * `Chunker` runs the byte loop in the hotpath addon (a C port of the reference; 3–5× faster, see
 * native/measure-hotpath-throughput.ts) and keeps only the input position here. It is a streaming state machine:
 * feed the input in buffers of any size with `push`, which reports the cut offsets found so far; between buffers
 * it keeps only the 64-byte window, the fingerprint and two counters, so memory does not grow with the input and
 * the boundaries do not depend on how the input was split. Without the addon, constructing a Chunker throws
 * EngineError('IO_ERROR') — never a silent slow path.
 */
import { type HotpathBinding, loadHotpathAddon } from '../native/hotpath-addon';
import type { Polynomial } from './gf2-polynomial';
import { type RabinTables, rabinTablesFor } from './rabin-tables';

export { maxChunkSize, minChunkSize } from './chunk-limits';

/** What every chunker implementation offers (the native-backed `Chunker` and the `ReferenceChunker`). */
export interface ContentChunker {
  /** Bytes pushed since the start of the current input. */
  readonly position: number;
  /**
   * Feeds the next bytes of the input. Returns the cuts found in them as input offsets (each the exclusive end
   * of a chunk), ascending. The chunker does not keep `data`; the caller may reuse it afterwards.
   */
  push(data: Uint8Array): number[];
  /**
   * Ends the input. Returns the end offset of the last chunk, or undefined when there is none pending (the input
   * was empty or ended exactly at a cut). The chunker is then ready for a new input (each file starts fresh).
   */
  finish(): number | undefined;
}

/** The tables in the layout the addon reads (out[0..255], then mod[0..255], as 64-bit integers), per polynomial. */
const packedTables = new WeakMap<RabinTables, BigUint64Array>();

function packedTablesFor(polynomial: Polynomial): BigUint64Array {
  const tables = rabinTablesFor(polynomial);
  const cached = packedTables.get(tables);
  if (cached) return cached;
  const packed = new BigUint64Array(512);
  for (let b = 0; b < 256; b++) {
    packed[b] = (BigInt(tables.outHi[b] ?? 0) << 32n) | BigInt(tables.outLo[b] ?? 0);
    packed[256 + b] = (BigInt(tables.modHi[b] ?? 0) << 32n) | BigInt(tables.modLo[b] ?? 0);
  }
  packedTables.set(tables, packed);
  return packed;
}

export class Chunker implements ContentChunker {
  private readonly native: HotpathBinding;
  private readonly tables: BigUint64Array;
  /** The addon's chunker state (window, fingerprint, bytes of the current chunk), owned here. */
  private readonly state: Uint8Array;
  /** Bytes pushed since the start of the input. */
  private consumed = 0;
  /** Input offset of the last cut (0 before the first): the bytes after it are the pending chunk. */
  private lastCut = 0;

  constructor(polynomial: Polynomial) {
    this.native = loadHotpathAddon();
    this.tables = packedTablesFor(polynomial);
    this.state = new Uint8Array(this.native.chunkerStateSize);
    this.native.chunkerStart(this.state);
  }

  get position(): number {
    return this.consumed;
  }

  push(data: Uint8Array): number[] {
    const base = this.consumed;
    const cuts = this.native.chunkerPush(this.state, this.tables, data);
    this.consumed += data.length;
    if (cuts.length === 0) return cuts;
    const offsets = cuts.map((cut) => base + cut);
    this.lastCut = offsets[offsets.length - 1] ?? this.lastCut;
    return offsets;
  }

  finish(): number | undefined {
    const lastEnd = this.consumed > this.lastCut ? this.consumed : undefined;
    this.consumed = 0;
    this.lastCut = 0;
    this.native.chunkerStart(this.state);
    return lastEnd;
  }
}

/** The chunk end offsets of a whole buffer (the last one is `data.length` unless it is empty). For tests and
 * small inputs; the archiver streams through `Chunker` instead. */
export function chunkBoundaries(data: Uint8Array, polynomial: Polynomial): number[] {
  const chunker = new Chunker(polynomial);
  const ends = chunker.push(data);
  const last = chunker.finish();
  if (last !== undefined) ends.push(last);
  return ends;
}

/** A whole buffer cut into chunks (views into `data`, not copies). */
export function splitIntoChunks(data: Uint8Array, polynomial: Polynomial): Uint8Array[] {
  let start = 0;
  return chunkBoundaries(data, polynomial).map((end) => {
    const chunk = data.subarray(start, end);
    start = end;
    return chunk;
  });
}
