/**
 * The in-memory union of all index files: blob (type, ID) → where it is stored. A repository can hold millions of
 * blobs, so entries live in typed arrays (no JS object or string per blob): the 32 ID bytes plus pack number,
 * offset, length, uncompressed length and type — 49 bytes — and an open-addressing hash table of entry numbers
 * (linear probing; IDs are SHA-256 values, so their first bytes are already uniformly distributed).
 *
 * Duplicates are legal in restic repositories (the same blob in several packs, or a pack listed by several index
 * files): `lookup` returns every distinct location; the same (pack, blob) added twice is stored once.
 */
import type { Id } from '../ids';
import type { BlobType, PackedBlob } from './blob';
import type { IndexFile, IndexPack } from './index-file';

export interface BlobLocation extends PackedBlob {
  packId: Id;
}

const typeCodes: Record<BlobType, number> = { data: 0, tree: 1 };
const typeNames: readonly BlobType[] = ['data', 'tree'];
const initialCapacity = 1024;
/** The hash table is doubled when more than this fraction of its slots is used. */
const maxLoad = 0.7;

export class MasterIndex {
  private capacity = initialCapacity;
  private count = 0;
  private ids = new Uint8Array(initialCapacity * 32);
  private packNumbers = new Uint32Array(initialCapacity);
  private offsets = new Uint32Array(initialCapacity);
  private lengths = new Uint32Array(initialCapacity);
  /** 0 = stored uncompressed (restic's own convention: a compressed blob is never empty). */
  private uncompressedLengths = new Uint32Array(initialCapacity);
  private types = new Uint8Array(initialCapacity);
  /** Slot → entry number + 1; 0 = empty. Size is a power of two. */
  private slots = new Uint32Array(initialCapacity * 2);
  private readonly packIds: Id[] = [];
  private readonly packNumbersById = new Map<Id, number>();
  /** Per pack: [start, end) ranges of its entry numbers (entries of one addPack call are contiguous). */
  private readonly packRanges: number[][] = [];
  private readonly scratch = Buffer.alloc(32);

  /** Number of stored (pack, blob) entries, duplicates across packs included. */
  get size(): number {
    return this.count;
  }

  get packCount(): number {
    return this.packIds.length;
  }

  /** Whether some index names this pack. */
  hasPack(packId: Id): boolean {
    return this.packNumbersById.has(packId);
  }

  addIndexFile(index: IndexFile): void {
    for (const pack of index.packs) this.addPack(pack.id, pack.blobs);
  }

  addPack(packId: Id, blobs: readonly PackedBlob[]): void {
    let packNumber = this.packNumbersById.get(packId);
    if (packNumber === undefined) {
      packNumber = this.packIds.length;
      this.packIds.push(packId);
      this.packNumbersById.set(packId, packNumber);
      this.packRanges.push([]);
    }
    const start = this.count;
    for (const blob of blobs) this.insert(blob, packNumber);
    if (this.count > start) this.packRanges[packNumber]?.push(start, this.count);
  }

  has(type: BlobType, id: Id): boolean {
    const code = typeCodes[type];
    const idBytes = this.idBytes(id);
    const mask = this.slots.length - 1;
    for (let slot = this.hash(idBytes, code) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) return false;
      if (this.matches(entry - 1, idBytes, code)) return true;
    }
  }

  /** Every location of the blob (empty when unknown). */
  lookup(type: BlobType, id: Id): BlobLocation[] {
    const code = typeCodes[type];
    const idBytes = this.idBytes(id);
    const found: BlobLocation[] = [];
    const mask = this.slots.length - 1;
    for (let slot = this.hash(idBytes, code) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) return found;
      if (this.matches(entry - 1, idBytes, code)) found.push(this.location(entry - 1));
    }
  }

  /** Every pack with its blobs (in the order they were added). */
  *packs(): IterableIterator<IndexPack> {
    for (let packNumber = 0; packNumber < this.packIds.length; packNumber++) {
      yield { id: this.packIds[packNumber] ?? '', blobs: this.blobsOfPackNumber(packNumber) };
    }
  }

  /** The blobs indexed for one pack (in the order they were added); empty for a pack not in the index. */
  packBlobs(packId: Id): PackedBlob[] {
    const packNumber = this.packNumbersById.get(packId);
    return packNumber === undefined ? [] : this.blobsOfPackNumber(packNumber);
  }

  private blobsOfPackNumber(packNumber: number): PackedBlob[] {
    const blobs: PackedBlob[] = [];
    const ranges = this.packRanges[packNumber] ?? [];
    for (let r = 0; r < ranges.length; r += 2) {
      for (let e = ranges[r] ?? 0; e < (ranges[r + 1] ?? 0); e++) blobs.push(this.blob(e));
    }
    return blobs;
  }

  /** Releases unused array capacity (call after loading all index files). */
  compact(): void {
    this.resizeEntries(Math.max(this.count, 1));
  }

  /** Approximate bytes held by the typed arrays (for measurements and diagnostics). */
  get memoryBytes(): number {
    return (
      this.ids.byteLength +
      this.packNumbers.byteLength +
      this.offsets.byteLength +
      this.lengths.byteLength +
      this.uncompressedLengths.byteLength +
      this.types.byteLength +
      this.slots.byteLength
    );
  }

  /** Adds an entry unless this exact location (same pack and offset) is already known. */
  private insert(blob: PackedBlob, packNumber: number): void {
    if (this.count === this.capacity) this.resizeEntries(Math.ceil(this.capacity * 1.5));
    if ((this.count + 1) / this.slots.length > maxLoad) this.rehash(this.slots.length * 2);
    const code = typeCodes[blob.type];
    const idBytes = this.idBytes(blob.id);
    const mask = this.slots.length - 1;
    let slot = this.hash(idBytes, code) & mask;
    // Walk the probe chain to its end: the free slot we take is there, and every copy of this blob is on the way.
    for (let other = this.slots[slot] ?? 0; other !== 0; other = this.slots[slot] ?? 0) {
      const e = other - 1;
      if (
        this.matches(e, idBytes, code) &&
        this.packNumbers[e] === packNumber &&
        this.offsets[e] === blob.offset
      ) {
        return;
      }
      slot = (slot + 1) & mask;
    }
    const e = this.count++;
    this.ids.set(idBytes, e * 32);
    this.packNumbers[e] = packNumber;
    this.offsets[e] = blob.offset;
    this.lengths[e] = blob.length;
    this.uncompressedLengths[e] = blob.uncompressedLength ?? 0;
    this.types[e] = code;
    this.slots[slot] = e + 1;
  }

  private placeInTable(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hash(this.ids.subarray(entry * 32, entry * 32 + 32), this.types[entry] ?? 0) & mask;
    while ((this.slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(slotCount: number): void {
    this.slots = new Uint32Array(slotCount);
    for (let e = 0; e < this.count; e++) this.placeInTable(e);
  }

  private resizeEntries(capacity: number): void {
    const grow = <T extends Uint8Array | Uint32Array>(old: T, make: (n: number) => T, per: number): T => {
      const next = make(capacity * per);
      next.set(old.subarray(0, this.count * per));
      return next;
    };
    this.ids = grow(this.ids, (n) => new Uint8Array(n), 32);
    this.packNumbers = grow(this.packNumbers, (n) => new Uint32Array(n), 1);
    this.offsets = grow(this.offsets, (n) => new Uint32Array(n), 1);
    this.lengths = grow(this.lengths, (n) => new Uint32Array(n), 1);
    this.uncompressedLengths = grow(this.uncompressedLengths, (n) => new Uint32Array(n), 1);
    this.types = grow(this.types, (n) => new Uint8Array(n), 1);
    this.capacity = capacity;
  }

  private hash(idBytes: Uint8Array, typeCode: number): number {
    const word =
      ((idBytes[0] ?? 0) |
        ((idBytes[1] ?? 0) << 8) |
        ((idBytes[2] ?? 0) << 16) |
        ((idBytes[3] ?? 0) << 24)) >>>
      0;
    return (word ^ Math.imul(typeCode, 0x9e3779b1)) >>> 0;
  }

  private matches(entry: number, idBytes: Uint8Array, typeCode: number): boolean {
    if (this.types[entry] !== typeCode) return false;
    const base = entry * 32;
    for (let i = 0; i < 32; i++) if (this.ids[base + i] !== idBytes[i]) return false;
    return true;
  }

  private idBytes(id: Id): Buffer {
    // Decoding into a reused buffer avoids an allocation per lookup; callers copy before the next call.
    if (id.length !== 64 || this.scratch.write(id, 'hex') !== 32)
      throw new TypeError(`not a blob ID: ${JSON.stringify(id)}`);
    return this.scratch;
  }

  private blob(entry: number): PackedBlob {
    const blob: PackedBlob = {
      type: typeNames[this.types[entry] ?? 0] ?? 'data',
      id: Buffer.from(this.ids.buffer, this.ids.byteOffset + entry * 32, 32).toString('hex'),
      offset: this.offsets[entry] ?? 0,
      length: this.lengths[entry] ?? 0,
    };
    const uncompressed = this.uncompressedLengths[entry] ?? 0;
    if (uncompressed !== 0) blob.uncompressedLength = uncompressed;
    return blob;
  }

  private location(entry: number): BlobLocation {
    return { ...this.blob(entry), packId: this.packIds[this.packNumbers[entry] ?? 0] ?? '' };
  }
}
