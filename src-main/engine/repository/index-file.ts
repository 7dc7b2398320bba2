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
  const packs = index.packs.map((pack) => ({
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
  }));
  const json = index.supersedes.length > 0 ? { supersedes: index.supersedes, packs } : { packs };
  // restic writes index files with a trailing newline (json.Encoder).
  return Buffer.from(`${JSON.stringify(json)}\n`, 'utf8');
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
  const blobs = blobsJson.map((blob, i) => decodeBlob(blob, `${where} (pack ${pack.id}) blob #${i}`));
  return { id: pack.id, blobs };
}

function decodeBlob(blob: unknown, where: string): PackedBlob {
  if (!isObject(blob)) throw corrupt(where, 'not an object');
  const { id, type, offset, length } = blob;
  const uncompressed = blob.uncompressed_length;
  if (!isId(id)) throw corrupt(where, 'missing or invalid "id"');
  if (type !== 'data' && type !== 'tree') throw corrupt(where, `unknown blob type ${JSON.stringify(type)}`);
  if (!isUint32(offset) || !isUint32(length)) throw corrupt(where, 'invalid "offset" or "length"');
  const decoded: PackedBlob = { type: type as BlobType, id, offset, length };
  if (uncompressed !== undefined && uncompressed !== null && uncompressed !== 0) {
    if (!isUint32(uncompressed)) throw corrupt(where, 'invalid "uncompressed_length"');
    decoded.uncompressedLength = uncompressed;
  }
  return decoded;
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
