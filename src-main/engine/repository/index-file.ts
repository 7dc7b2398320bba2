/**
 * Index files (`index/<id>`): which blobs live in which pack at which offset. JSON, stored as an unpacked file:
 *
 *   {"supersedes":[…ids],"packs":[{"id":…,"blobs":[{"id":…,"type":"data","offset":0,"length":…,
 *     "uncompressed_length":…}]}]}
 *
 * `supersedes` is omitted when empty, `uncompressed_length` is present only for compressed blobs. Very old
 * repositories store a bare array of packs; we read that too. Unknown fields are ignored.
 */
import { EngineError } from '../errors';
import { type Id, isId } from '../ids';
import type { BlobType, PackedBlob } from './blob';

export interface IndexPack {
  id: Id;
  blobs: PackedBlob[];
}

export interface IndexFile {
  /** Index files this one replaces (written by prune / rebuild-index). */
  supersedes: Id[];
  packs: IndexPack[];
}

/** restic flushes an index file once it holds this many blobs in a v2 repository. */
export const maxBlobsPerIndexFile = 150_000;

export function encodeIndexFile(index: IndexFile): Buffer {
  return indexFileBytes(index.supersedes, index.packs.map(encodeIndexPack));
}

/**
 * One pack's entry of an index file, as JSON text. Index files are made of these, so a large index (a prune
 * rewrites all of it) can be encoded pack by pack from an iterator, never holding an object per blob for all of it.
 */
export function encodeIndexPack(pack: IndexPack): string {
  return JSON.stringify({
    id: pack.id,
    blobs: pack.blobs.map((b) =>
      b.uncompressedLength === undefined
        ? { id: b.id, type: b.type, offset: b.offset, length: b.length }
        : {
            id: b.id,
            type: b.type,
            offset: b.offset,
            length: b.length,
            uncompressed_length: b.uncompressedLength,
          },
    ),
  });
}

/**
 * An index file from its packs' JSON (encodeIndexPack): byte for byte what JSON.stringify of the whole gives. The
 * parts are written into the result one by one — joining them first would hold the file's text twice more.
 */
export function indexFileBytes(supersedes: readonly Id[], packs: readonly string[]): Buffer {
  const head = supersedes.length > 0 ? `{"supersedes":${JSON.stringify(supersedes)},"packs":[` : '{"packs":[';
  // restic writes index files with a trailing newline (json.Encoder).
  const tail = ']}\n';
  let length = Buffer.byteLength(head) + tail.length + Math.max(0, packs.length - 1);
  for (const pack of packs) length += Buffer.byteLength(pack);
  const bytes = Buffer.allocUnsafe(length);
  let offset = bytes.write(head, 0);
  for (const [i, pack] of packs.entries()) {
    if (i > 0) offset += bytes.write(',', offset);
    offset += bytes.write(pack, offset);
  }
  bytes.write(tail, offset);
  return bytes;
}

/** Validates parsed index JSON. `what` names the index file in error messages. */
export function decodeIndexFile(json: unknown, what: string): IndexFile {
  let supersedes: Id[] = [];
  let packsJson: unknown;
  if (Array.isArray(json)) {
    packsJson = json; // the old format: a bare array of packs
  } else if (isObject(json)) {
    if (json.supersedes !== undefined && json.supersedes !== null) {
      if (!Array.isArray(json.supersedes) || !json.supersedes.every(isId)) {
        throw corrupt(what, '"supersedes" is not a list of IDs');
      }
      supersedes = json.supersedes;
    }
    packsJson = json.packs ?? [];
  } else {
    throw corrupt(what, 'not an index (neither an object nor an array)');
  }
  if (!Array.isArray(packsJson)) throw corrupt(what, '"packs" is not a list');
  const packs = packsJson.map((pack, i) => decodePack(pack, `${what} pack #${i}`));
  return { supersedes, packs };
}

function decodePack(pack: unknown, where: string): IndexPack {
  if (!isObject(pack) || !isId(pack.id)) throw corrupt(where, 'missing or invalid pack "id"');
  const blobsJson = pack.blobs ?? [];
  if (!Array.isArray(blobsJson)) throw corrupt(where, '"blobs" is not a list');
  const packId = pack.id;
  const blobs = blobsJson.map((blob, i) => decodeBlob(blob, where, packId, i));
  return { id: packId, blobs };
}

/**
 * Entry `index` of the pack `packId` listed at `pack`: the place is spelled out only for an error message (an
 * index holds tens of thousands of blobs).
 */
function decodeBlob(blob: unknown, pack: string, packId: string, index: number): PackedBlob {
  if (!isObject(blob)) throw corruptEntry(pack, packId, index, 'not an object');
  const { id, type, offset, length } = blob;
  const uncompressed = blob.uncompressed_length;
  if (!isId(id)) throw corruptEntry(pack, packId, index, 'missing or invalid "id"');
  if (type !== 'data' && type !== 'tree')
    throw corruptEntry(pack, packId, index, `unknown blob type ${JSON.stringify(type)}`);
  if (!isUint32(offset) || !isUint32(length))
    throw corruptEntry(pack, packId, index, 'invalid "offset" or "length"');
  const decoded: PackedBlob = { type: type as BlobType, id, offset, length };
  if (uncompressed !== undefined && uncompressed !== null && uncompressed !== 0) {
    if (!isUint32(uncompressed)) throw corruptEntry(pack, packId, index, 'invalid "uncompressed_length"');
    decoded.uncompressedLength = uncompressed;
  }
  return decoded;
}

/** CORRUPT for entry `index` of the pack `packId` listed at `pack`. */
function corruptEntry(pack: string, packId: string, index: number, problem: string): EngineError {
  return corrupt(`${pack} (pack ${packId}) blob #${index}`, problem);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

function corrupt(where: string, problem: string): EngineError {
  return new EngineError('CORRUPT', `${where}: ${problem}`);
}
