/**
 * What the backed-up configuration refers to by identity: filesystem UUIDs (fstab, crypttab, boot loader, resume
 * device) and network interfaces (by name and MAC, see interface-references.ts). A replacement machine has other
 * UUIDs and other network adapters, so these are the lines the compatibility report lists and the remap rewrites.
 *
 * Decisions:
 * - `PARTUUID=` names a partition, not a filesystem: it is not a UuidReference (a filesystem UUID remap must not
 *   touch it). It is reported separately by findPartuuidReferences, because a kernel `root=PARTUUID=` still stops
 *   the restored system from booting on a new disk.
 * - Only fstab, crypttab, boot loader and resume files are read for UUIDs. mdadm.conf's `UUID=` is an md array id
 *   and NetworkManager's `uuid=` a connection id; neither is a filesystem.
 * - The kernel's `root=UUID=…` carries mount point `/` (the kernel mounts it as the root), so the remap can match
 *   it by mount point when fstab names the root filesystem some other way (`/dev/sda2`, `LABEL=`).
 * - Comments (`#` at the start of a line or after whitespace) are ignored; matching is case-insensitive and the
 *   UUID is reported as written.
 */

import type { ConfigFileRole } from './config-text';
import { configFileRole, isUuidLike, restoreConfigFiles, textLines, uncommented } from './config-text';
import { findInterfaceReferences as findInterfaces } from './interface-references';
import type { InterfaceReference, RecordedFile, UuidReference } from './restore-analysis-model';

export type { ConfigFileRole } from './config-text';
export { configFileRole } from './config-text';

/** The recorded paths the helper reads for the report and the remap (globs: `*` within one path segment). */
export const restoreConfigFilePatterns: readonly string[] = restoreConfigFiles.map((f) => f.pattern);

export function isRestoreConfigFile(recordedPath: string): boolean {
  return configFileRole(recordedPath) !== null;
}

/** A partition UUID that configuration refers to (`PARTUUID=…`, `/dev/disk/by-partuuid/…`). */
export interface PartuuidReference {
  file: string;
  line: number;
  partuuid: string;
  kind: UuidReference['kind'];
}

const uuidFileRoles = new Set<ConfigFileRole>(['fstab', 'crypttab', 'bootloader', 'resume']);
const uuidBody = '[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*';
const after = '(?![A-Za-z0-9_.-])';

interface Match {
  index: number;
  value: string;
  /** The `key=` right before the reference (`root`, `resume`, `cryptdevice`), lower case; null when none. */
  key: string | null;
}

function matches(code: string, partition: boolean): Match[] {
  const tag = partition ? 'PARTUUID' : 'UUID';
  const byPath = partition ? 'by-partuuid' : 'by-uuid';
  const found: Match[] = [];
  const patterns = [
    new RegExp(`(?<![A-Za-z0-9_.-])${tag}=("?)(${uuidBody})${after}`, 'gi'),
    new RegExp(`/dev/disk/${byPath}/()(${uuidBody})${after}`, 'gi'),
  ];
  for (const pattern of patterns)
    for (const m of code.matchAll(pattern)) {
      const value = m[2] as string;
      if (!isUuidLike(value)) continue;
      const key = /([A-Za-z_.]+)=$/.exec(code.slice(0, m.index))?.[1]?.toLowerCase() ?? null;
      found.push({ index: m.index + m[0].indexOf(value), value, key });
    }
  if (!partition) found.push(...grubSearchMatches(code));
  return found.sort((a, b) => a.index - b.index);
}

/**
 * GRUB finds its files by filesystem UUID: `search --no-floppy --fs-uuid --set=root --hint-…  UUID` in grub.cfg,
 * `search.fs_uuid UUID root hd0,gpt2` in the stub on the EFI System Partition. The UUID is the first argument that
 * is not an option. Statements may share a line (`…; then search …`).
 */
function grubSearchMatches(code: string): Match[] {
  const found: Match[] = [];
  let offset = 0;
  for (const statement of code.split(';')) {
    const words = [...statement.matchAll(/\S+/g)];
    const start = words.findIndex((w) => !['then', 'else', 'do', 'elif'].includes(w[0]));
    const command = words[start]?.[0];
    const args = words.slice(start + 1);
    let target: RegExpMatchArray | undefined;
    if (command === 'search.fs_uuid') target = args[0];
    else if (command === 'search' && args.some((a) => a[0] === '--fs-uuid' || a[0] === '-u'))
      target = args.find((a) => !a[0].startsWith('-'));
    if (target !== undefined && isUuidLike(target[0]))
      found.push({ index: offset + (target.index as number), value: target[0], key: null });
    offset += statement.length + 1;
  }
  return found;
}

/** Whitespace-separated fields with where each starts (fstab and crypttab). */
function fields(code: string): { text: string; start: number }[] {
  return [...code.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index }));
}

/** fstab escapes spaces and tabs in mount points as octal (`/mnt/my\040disk`). */
function fstabUnescape(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function fieldIndexAt(parts: { text: string; start: number }[], index: number): number {
  return parts.findIndex((p) => index >= p.start && index < p.start + p.text.length);
}

function references<T>(
  files: readonly RecordedFile[],
  partition: boolean,
  make: (file: string, line: number, value: string, kind: UuidReference['kind'], extra: Extra) => T,
): T[] {
  const result: T[] = [];
  for (const file of files) {
    const role = configFileRole(file.path);
    if (role === null || !uuidFileRoles.has(role)) continue;
    textLines(file.text).forEach((line, i) => {
      const code = uncommented(line);
      const parts = fields(code);
      for (const m of matches(code, partition)) {
        const field = fieldIndexAt(parts, m.index);
        const { kind, extra } = classify(role, field, m.key, parts);
        result.push(make(file.path, i + 1, m.value, kind, extra));
      }
    });
  }
  return result;
}

interface Extra {
  mountpoint: string | null;
  fsType: string | null;
}

function classify(
  role: ConfigFileRole,
  field: number,
  key: string | null,
  parts: { text: string }[],
): { kind: UuidReference['kind']; extra: Extra } {
  const none: Extra = { mountpoint: null, fsType: null };
  switch (role) {
    case 'fstab':
      return field === 0
        ? {
            kind: 'fstab',
            extra: {
              mountpoint: parts[1] ? fstabUnescape(parts[1].text) : null,
              fsType: parts[2]?.text ?? null,
            },
          }
        : { kind: 'other', extra: none };
    case 'crypttab':
      return { kind: field === 1 ? 'crypttab' : 'other', extra: none };
    case 'resume':
      return { kind: 'resume', extra: none };
    default:
      if (key === 'resume') return { kind: 'resume', extra: none };
      return { kind: 'bootloader', extra: key === 'root' ? { mountpoint: '/', fsType: null } : none };
  }
}

/** Filesystem UUIDs in fstab, crypttab, boot loader configuration and the resume device setting. */
export function findUuidReferences(files: RecordedFile[]): UuidReference[] {
  return references(files, false, (file, line, uuid, kind, extra) => ({ file, line, uuid, kind, ...extra }));
}

/** Partition UUIDs (`PARTUUID=`) in the same files: not remapped, listed for the user. */
export function findPartuuidReferences(files: RecordedFile[]): PartuuidReference[] {
  return references(files, true, (file, line, partuuid, kind) => ({ file, line, partuuid, kind }));
}

/** Interface names and MACs the network configuration refers to (see interface-references.ts). */
export function findInterfaceReferences(files: RecordedFile[]): InterfaceReference[] {
  return findInterfaces(files);
}
