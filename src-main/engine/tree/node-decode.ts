/**
 * A node from its JSON object, as restic reads it (`Node.UnmarshalJSON`, Go `encoding/json` rules): keys match
 * fields case-insensitively and later keys win, `null` leaves a field at its zero value, unknown keys are ignored
 * (newer restic writes `generic_attributes`, `linktarget_raw`, …), and the name is Go-unquoted back to raw bytes.
 * Wrong types, out-of-range numbers and malformed values are reported as NodeDecodeError; the tree decoder turns
 * them into CORRUPT errors naming the tree.
 */
import { type Id, isId } from '../ids';
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './go/json-decode';
import { GoUnquoteError, goUnquote } from './go/quote';
import { type ExtendedAttribute, emptyNode, isNodeType, type Node } from './node';
import { GoTimeParseError, type NodeTime, parseGoTime } from './time/rfc3339';

export class NodeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeDecodeError';
  }
}

function fail(field: string, problem: string): never {
  throw new NodeDecodeError(`field ${JSON.stringify(field)}: ${problem}`);
}

/** Go's case-insensitive key match (`EqualFold`, with its special folding of 'ſ' to 's' and 'K' to 'k'). */
function foldKey(key: string): string {
  return key.replace(/ſ/g, 's').toLowerCase();
}

function asString(field: string, value: JsonValue): string {
  if (typeof value !== 'string') fail(field, 'expected a string');
  return value;
}

function asUint(field: string, value: JsonValue, bits: 32 | 64): bigint {
  if (!(value instanceof JsonNumber) || !/^(0|[1-9][0-9]*)$/.test(value.text))
    fail(
      field,
      `expected an unsigned integer, got ${value instanceof JsonNumber ? value.text : typeof value}`,
    );
  const n = BigInt(value.text);
  if (n >= 2n ** BigInt(bits)) fail(field, `${value.text} overflows uint${bits}`);
  return n;
}

function asTime(field: string, value: JsonValue): NodeTime {
  try {
    return parseGoTime(asString(field, value));
  } catch (error) {
    if (error instanceof GoTimeParseError) fail(field, error.message);
    throw error;
  }
}

function asId(field: string, value: JsonValue): Id {
  const text = asString(field, value).toLowerCase(); // restic's hex decoder accepts upper case
  if (!isId(text)) fail(field, `${JSON.stringify(text)} is not an ID`);
  return text;
}

/** Go's []byte JSON form: standard base64 with padding; Go's decoder skips CR and LF. */
function asBytes(field: string, value: JsonValue): Buffer {
  const text = asString(field, value).replace(/[\r\n]/g, '');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) fail(field, 'invalid base64');
  return Buffer.from(text, 'base64');
}

function asList(field: string, value: JsonValue): JsonValue[] {
  if (!Array.isArray(value)) fail(field, 'expected an array');
  return value;
}

function asExtendedAttributes(value: JsonValue): ExtendedAttribute[] {
  return asList('extended_attributes', value).map((item) => {
    if (!isJsonObject(item)) fail('extended_attributes', 'expected objects');
    let name: Buffer = Buffer.alloc(0);
    let data: Buffer = Buffer.alloc(0);
    for (const [key, v] of item.entries) {
      if (v === null) continue;
      const k = foldKey(key);
      if (k === 'name') name = Buffer.from(asString('extended_attributes.name', v), 'utf8');
      else if (k === 'value') data = asBytes('extended_attributes.value', v);
    }
    return { name, value: data };
  });
}

type FieldSetter = (node: Node, value: JsonValue, state: { quotedName: string; rawLink?: Buffer }) => void;

/** restic 0.14's fields (plus `linktarget_raw` from newer versions), by JSON key. */
const fields: ReadonlyMap<string, FieldSetter> = new Map<string, FieldSetter>([
  ['name', (_, v, s) => (s.quotedName = asString('name', v))],
  [
    'type',
    (n, v) => {
      const type = asString('type', v);
      if (!isNodeType(type)) fail('type', `unknown node type ${JSON.stringify(type)}`);
      n.type = type;
    },
  ],
  ['mode', (n, v) => (n.mode = Number(asUint('mode', v, 32)))],
  ['mtime', (n, v) => (n.mtime = asTime('mtime', v))],
  ['atime', (n, v) => (n.atime = asTime('atime', v))],
  ['ctime', (n, v) => (n.ctime = asTime('ctime', v))],
  ['uid', (n, v) => (n.uid = Number(asUint('uid', v, 32)))],
  ['gid', (n, v) => (n.gid = Number(asUint('gid', v, 32)))],
  ['user', (n, v) => (n.user = asString('user', v))],
  ['group', (n, v) => (n.group = asString('group', v))],
  ['inode', (n, v) => (n.inode = asUint('inode', v, 64))],
  ['device_id', (n, v) => (n.deviceId = asUint('device_id', v, 64))],
  ['size', (n, v) => (n.size = asUint('size', v, 64))],
  ['links', (n, v) => (n.links = asUint('links', v, 64))],
  ['linktarget', (n, v) => (n.linkTarget = Buffer.from(asString('linktarget', v), 'utf8'))],
  ['linktarget_raw', (_, v, s) => (s.rawLink = asBytes('linktarget_raw', v))],
  ['extended_attributes', (n, v) => (n.extendedAttributes = asExtendedAttributes(v))],
  ['device', (n, v) => (n.device = asUint('device', v, 64))],
  ['content', (n, v) => (n.content = asList('content', v).map((id) => asId('content', id)))],
  ['subtree', (n, v) => (n.subtree = asId('subtree', v))],
  ['error', (n, v) => (n.error = asString('error', v))],
]);

/** Decodes one node object. Throws NodeDecodeError. */
export function decodeNodeObject(object: JsonObject): Node {
  const node = emptyNode(Buffer.alloc(0), 'file');
  const state: { quotedName: string; rawLink?: Buffer } = { quotedName: '' };
  let sawType = false;
  for (const [key, value] of object.entries) {
    const setter = fields.get(key) ?? fields.get(foldKey(key));
    if (setter === undefined || value === null) continue; // unknown key, or null: Go leaves the zero value
    setter(node, value, state);
    if (setter === fields.get('type')) sawType = true;
  }
  if (!sawType) fail('type', 'missing');
  if (state.rawLink !== undefined) node.linkTarget = state.rawLink;
  try {
    node.name = goUnquote(`"${state.quotedName}"`);
  } catch (error) {
    if (error instanceof GoUnquoteError)
      fail('name', `not a Go-quoted name: ${JSON.stringify(state.quotedName)}`);
    throw error;
  }
  return node;
}
