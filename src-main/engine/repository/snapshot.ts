/**
 * Snapshot files (`snapshots/<id>`): one backup's root tree and its metadata. Encoded in restic 0.14's field order
 * with its `omitempty` rules; fields newer restic versions add (program_version, summary, …) are ignored when read.
 */
import { type Id, isId } from '../ids';
import { checkWith, JsonFields } from '../json-fields';
import { isRfc3339 } from './rfc3339';

export interface Snapshot {
  /** RFC 3339 with fractional seconds (see rfc3339.ts). */
  time: string;
  parent?: Id;
  /** The root tree blob. */
  tree: Id;
  /** The backed-up paths (absolute). */
  paths: string[];
  hostname?: string;
  username?: string;
  uid?: number;
  gid?: number;
  excludes?: string[];
  tags?: string[];
  /** Set on a snapshot that replaced another one (e.g. after a tag change): the original's ID. */
  original?: Id;
}

/** JSON bytes of a snapshot file (no trailing newline, as restic's json.Marshal). */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  // Insertion order is JSON order; empty values are left out exactly where Go's omitempty leaves them out.
  const json: Record<string, unknown> = { time: snapshot.time };
  if (snapshot.parent) json.parent = snapshot.parent;
  json.tree = snapshot.tree;
  json.paths = snapshot.paths;
  if (snapshot.hostname) json.hostname = snapshot.hostname;
  if (snapshot.username) json.username = snapshot.username;
  if (snapshot.uid) json.uid = snapshot.uid;
  if (snapshot.gid) json.gid = snapshot.gid;
  if (snapshot.excludes && snapshot.excludes.length > 0) json.excludes = snapshot.excludes;
  if (snapshot.tags && snapshot.tags.length > 0) json.tags = snapshot.tags;
  if (snapshot.original) json.original = snapshot.original;
  return Buffer.from(JSON.stringify(json), 'utf8');
}

const idCheck = checkWith(isId, 'not an ID');
const uint32 = { min: 0, max: 0xffff_ffff };

/** Validates parsed snapshot JSON. `what` names the snapshot file in error messages. */
export function decodeSnapshot(json: unknown, what: string): Snapshot {
  const fields = new JsonFields(json, what, 'snapshot');
  const snapshot: Snapshot = {
    time: fields.string('time', { required: true, check: checkWith(isRfc3339, 'not an RFC 3339 time') }),
    tree: fields.string('tree', { required: true, check: idCheck }),
    paths: fields.strings('paths') ?? [],
  };
  const optional: Partial<Snapshot> = {
    parent: fields.string('parent', { check: idCheck }),
    hostname: fields.string('hostname'),
    username: fields.string('username'),
    uid: fields.integer('uid', uint32),
    gid: fields.integer('gid', uint32),
    excludes: fields.strings('excludes'),
    tags: fields.strings('tags'),
    original: fields.string('original', { check: idCheck }),
  };
  fields.done();
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(snapshot, { [key]: value });
  }
  return snapshot;
}
