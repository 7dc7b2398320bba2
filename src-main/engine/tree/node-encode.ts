/**
 * A node as JSON, byte for byte as restic 0.14 writes it (`Node.MarshalJSON`): fields in struct order, Go
 * `omitempty` rules, the name Go-quoted before JSON encoding, times in the writer's zone.
 */
import { EngineError } from '../errors';
import { isId } from '../ids';
import { goJsonString } from './go/json-string';
import { goQuote } from './go/quote';
import type { Node } from './node';
import { formatGoTime } from './time/rfc3339';
import type { TimeZone } from './time/zone';

/** The stored form of a name: `strconv.Quote(name)` without its outer quotes. */
export function quotedName(name: Uint8Array): string {
  return goQuote(name).slice(1, -1);
}

function invalid(node: Node, problem: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `node ${goQuote(node.name)}: ${problem}`);
}

function checkWritable(node: Node): void {
  if (node.name.length === 0) throw invalid(node, 'empty name');
  if (node.name.includes(0x2f) || node.name.includes(0)) throw invalid(node, "name contains '/' or NUL");
  if (!Number.isInteger(node.mode) || node.mode < 0 || node.mode > 0xffff_ffff)
    throw invalid(node, `mode ${node.mode} is not a uint32`);
  for (const [field, value] of [
    ['uid', node.uid],
    ['gid', node.gid],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
      throw invalid(node, `${field} ${value} is not a uint32`);
  }
  for (const [field, value] of [
    ['inode', node.inode],
    ['device_id', node.deviceId],
    ['size', node.size],
    ['links', node.links],
    ['device', node.device],
  ] as const) {
    if (value < 0n || value >= 2n ** 64n) throw invalid(node, `${field} ${value} is not a uint64`);
  }
  // restic check rejects a file without a content list and a directory without a subtree.
  if (node.type === 'file' && node.content === null) throw invalid(node, 'a file needs a content list');
  if (node.type === 'dir' && node.subtree === null) throw invalid(node, 'a directory needs a subtree');
  for (const id of node.content ?? []) if (!isId(id)) throw invalid(node, `content ID ${id} is not an ID`);
  if (node.subtree !== null && !isId(node.subtree))
    throw invalid(node, `subtree ${node.subtree} is not an ID`);
}

/**
 * The JSON of a name: Go-quoted, then JSON-escaped. Most names are printable ASCII without `"`, `\` or the
 * HTML characters Go escapes; for those both steps leave the bytes as they are, which saves two passes per node.
 */
function encodedName(name: Buffer): string {
  for (let i = 0; i < name.length; i++) {
    const b = name[i] as number;
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c || b === 0x3c || b === 0x3e || b === 0x26)
      return goJsonString(quotedName(name));
  }
  return `"${name.toString('latin1')}"`;
}

/** Users and groups repeat on every node; their JSON is computed once each. */
const encodedStrings = new Map<string, string>();

function encodedString(value: string): string {
  let encoded = encodedStrings.get(value);
  if (encoded === undefined) {
    encoded = goJsonString(value);
    if (encodedStrings.size < 10_000) encodedStrings.set(value, encoded);
  }
  return encoded;
}

/** The compact JSON restic 0.14 writes for `node`; times without a recorded offset are written in `zone`. */
export function encodeNodeJson(node: Node, zone: TimeZone): string {
  checkWritable(node);
  const parts: string[] = [`"name":${encodedName(node.name)}`, `"type":"${node.type}"`];
  if (node.mode !== 0) parts.push(`"mode":${node.mode}`);
  const mtime = formatGoTime(node.mtime, zone);
  // atime is mtime's own object unless --with-atime: format once.
  const atime = node.atime === node.mtime ? mtime : formatGoTime(node.atime, zone);
  parts.push(
    `"mtime":"${mtime}"`,
    `"atime":"${atime}"`,
    `"ctime":"${formatGoTime(node.ctime, zone)}"`,
    `"uid":${node.uid}`,
    `"gid":${node.gid}`,
  );
  if (node.user !== '') parts.push(`"user":${encodedString(node.user)}`);
  if (node.group !== '') parts.push(`"group":${encodedString(node.group)}`);
  if (node.inode !== 0n) parts.push(`"inode":${node.inode}`);
  if (node.deviceId !== 0n) parts.push(`"device_id":${node.deviceId}`);
  if (node.size !== 0n) parts.push(`"size":${node.size}`);
  if (node.links !== 0n) parts.push(`"links":${node.links}`);
  if (node.linkTarget.length > 0) parts.push(`"linktarget":${goJsonString(node.linkTarget)}`);
  if (node.extendedAttributes.length > 0) {
    const attributes = node.extendedAttributes.map(
      (a) => `{"name":${goJsonString(a.name)},"value":"${a.value.toString('base64')}"}`,
    );
    parts.push(`"extended_attributes":[${attributes.join(',')}]`);
  }
  if (node.device !== 0n) parts.push(`"device":${node.device}`);
  parts.push(
    `"content":${node.content === null ? 'null' : `[${node.content.map((id) => `"${id}"`).join(',')}]`}`,
  );
  if (node.subtree !== null) parts.push(`"subtree":"${node.subtree}"`);
  if (node.error !== '') parts.push(`"error":${goJsonString(node.error)}`);
  return `{${parts.join(',')}}`;
}
