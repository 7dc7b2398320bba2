/**
 * Interface references in netplan YAML (/etc/netplan/*.yaml). Read line by line rather than with a YAML library
 * because every reference must keep its line number for the report. Netplan's own subset is small: nested block
 * mappings, block and flow sequences (`interfaces: [eth0, eth1]`), flow mappings (`match: {name: "en*"}`).
 *
 * Under `ethernets:` and `wifis:` each key is a device id. Without a `match:` the id is the interface name (a
 * reference); with one, the id is only a label and `match.name` / `match.macaddress` are the references. Bonds,
 * bridges and VLANs are devices netplan creates: their ids are not references, but their members
 * (`interfaces:`, `link:`) are, unless they name another device id of the configuration. Netplan merges all files
 * in /etc/netplan, so ids are collected across files.
 */
import { normalizeMac, physicalName, textLines, uncommented } from './config-text';
import type { InterfaceReference, RecordedFile } from './restore-analysis-model';

interface Scalar {
  path: string[];
  value: string;
  line: number;
}

const physicalSections = new Set(['ethernets', 'wifis']);
const memberKeys: Record<string, string> = { bonds: 'interfaces', bridges: 'interfaces', vlans: 'link' };

export function netplanReferences(files: RecordedFile[]): InterfaceReference[] {
  const devices: { file: string; id: string; line: number; matched: boolean }[] = [];
  const ids = new Set<string>();
  const refs: InterfaceReference[] = [];
  const members: { file: string; name: string; line: number }[] = [];
  for (const file of files) {
    for (const { path, value, line } of scalars(file.text)) {
      const [root, section, id, key, sub] = path;
      if (root !== 'network' || section === undefined || id === undefined) continue;
      if (path.length === 3) ids.add(id);
      if (physicalSections.has(section)) {
        if (path.length === 3) devices.push({ file: file.path, id, line, matched: false });
        else if (key === 'match') {
          const device = devices.findLast((d) => d.file === file.path && d.id === id);
          if (device) device.matched = true;
          if (sub === 'name') refs.push({ file: file.path, line, name: value, mac: null });
          if (sub === 'macaddress') {
            const mac = normalizeMac(value);
            if (mac !== null) refs.push({ file: file.path, line, name: null, mac });
          }
        }
      } else if (memberKeys[section] !== undefined && key === memberKeys[section] && value !== '') {
        members.push({ file: file.path, name: value, line });
      }
    }
  }
  for (const d of devices.filter((x) => !x.matched)) {
    const name = physicalName(d.id, new Set());
    if (name !== null) refs.push({ file: d.file, line: d.line, name, mac: null });
  }
  for (const m of members.filter((x) => !ids.has(x.name))) {
    const name = physicalName(m.name, ids);
    if (name !== null) refs.push({ file: m.file, line: m.line, name, mac: null });
  }
  return refs;
}

/**
 * Every key of the document with its path and scalar value ('' for a block), and every item of a sequence (block
 * or flow) as a scalar under its key. Flow mappings become one scalar per key.
 */
function scalars(text: string): Scalar[] {
  const result: Scalar[] = [];
  const stack: { indent: number; key: string }[] = [];
  textLines(text).forEach((raw, i) => {
    const code = uncommented(raw).trimEnd();
    if (code.trim() === '' || code.trim() === '---') return;
    const indent = code.length - code.trimStart().length;
    const content = code.trim();
    const line = i + 1;
    if (content.startsWith('- ') || content === '-') {
      // A sequence item belongs to the nearest key above with less or equal indent (`key:\n- a` is valid YAML).
      while (stack.length > 0 && (stack.at(-1) as { indent: number }).indent > indent) stack.pop();
      const path = stack.map((s) => s.key);
      const item = content.slice(1).trim();
      if (!/^[^"'{[][^:]*:\s/.test(item) && !item.endsWith(':'))
        result.push({ path, value: unquote(item), line });
      return;
    }
    const m = /^("[^"]*"|'[^']*'|[^:]+?):(?:\s+(.*))?$/.exec(content);
    if (!m) return;
    while (stack.length > 0 && (stack.at(-1) as { indent: number }).indent >= indent) stack.pop();
    const key = unquote(m[1] as string);
    const value = (m[2] ?? '').trim();
    const path = [...stack.map((s) => s.key), key];
    if (value === '') {
      stack.push({ indent, key });
      result.push({ path, value: '', line });
    } else if (value.startsWith('[') && value.endsWith(']')) {
      result.push({ path, value: '', line });
      for (const item of flowItems(value)) result.push({ path, value: unquote(item), line });
    } else if (value.startsWith('{') && value.endsWith('}')) {
      result.push({ path, value: '', line });
      for (const item of flowItems(value)) {
        const pair = /^("[^"]*"|'[^']*'|[^:]+?):\s*(.*)$/.exec(item);
        if (pair)
          result.push({
            path: [...path, unquote(pair[1] as string)],
            value: unquote(pair[2] as string),
            line,
          });
      }
    } else {
      result.push({ path, value: unquote(value), line });
    }
  });
  return result;
}

/** `[a, "b", c]` or `{k: v, k2: "v2"}` → the comma-separated items (quotes respected). */
function flowItems(flow: string): string[] {
  const inner = flow.slice(1, -1);
  const items: string[] = [];
  let quote: string | null = null;
  let current = '';
  for (const c of inner) {
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      items.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items.filter((s) => s !== '');
}

function unquote(text: string): string {
  const t = text.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}
