/**
 * User and group names for uids/gids, as restic stores them in nodes. Debian's restic 0.14 is a cgo build: its
 * `os/user` lookups go through glibc's NSS (`getpwuid_r`/`getgrgid_r`). The engine runs no OS commands and has no
 * NSS binding, so it reads /etc/passwd and /etc/group itself with the parsing rules of glibc's "files" service
 * (which is what NSS consults first on a standard Debian): leading blanks and `#` comments skipped, the first entry
 * with a matching numeric id wins, ids parsed like `strtoul` (leading zeros, a sign, clamped to 32 bits),
 * NIS compat entries (`+name`, `-name`) ignored.
 * Known gap: names that only another NSS service provides (LDAP, sssd, systemd dynamic users) are not found here,
 * so such nodes lack `user`/`group` where restic has them.
 * Both files are read once per instance (one instance per backup run).
 */
import { readFileSync } from 'node:fs';
import { stringFromGoBytes } from '../go/utf8';

export interface AccountFiles {
  passwd: string;
  group: string;
}

const defaultFiles: AccountFiles = { passwd: '/etc/passwd', group: '/etc/group' };

/** glibc's INT_FIELD: `strtou32` of the field, which must be followed by ':' or the end of the line. */
function parseIdField(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)(.*)$/s.exec(field);
  if (match === null) return undefined;
  // The field was cut at ':' already, so anything after the digits makes the line invalid.
  if ((match[3] ?? '') !== '') return undefined;
  const max = 2n ** 64n - 1n;
  let value = BigInt(match[2] ?? '0');
  if (value > max) value = max; // strtoul saturates
  if (match[1] === '-') value = value === 0n ? 0n : 2n ** 64n - value; // and negates modulo 2^64
  return Number(value > 0xffff_ffffn ? 0xffff_ffffn : value); // strtou32 clamps on 64-bit platforms
}

interface Entry {
  name: Buffer;
  id: number;
}

/** The entries of /etc/passwd or /etc/group (name and the id in field 3), in file order. */
function parseEntries(data: Buffer, kind: 'passwd' | 'group'): Entry[] {
  const entries: Entry[] = [];
  for (const rawLine of data.toString('latin1').split('\n')) {
    const line = rawLine.replace(/^[ \t\v\f\r]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const name = fields[0] ?? '';
    if (name.startsWith('+') || name.startsWith('-')) continue; // NIS compat entries never match a lookup
    const id = parseIdField(fields[2]);
    if (id === undefined) continue;
    // A passwd line also needs a numeric gid to parse; a group line's member list may be missing.
    if (kind === 'passwd' && parseIdField(fields[3]) === undefined) continue;
    entries.push({ name: Buffer.from(name, 'latin1'), id });
  }
  return entries;
}

function firstNames(entries: Entry[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const entry of entries) {
    if (!names.has(entry.id)) names.set(entry.id, stringFromGoBytes(entry.name));
  }
  return names;
}

export class AccountNames {
  private users: Map<number, string> | undefined;
  private groups: Map<number, string> | undefined;
  /** Why a file could not be read (each then resolves no names), for the caller to report once. */
  readonly problems: string[] = [];

  constructor(private readonly files: AccountFiles = defaultFiles) {}

  /** The user name for `uid`, or "" when there is none. */
  userName(uid: number): string {
    this.users ??= firstNames(this.read(this.files.passwd, 'passwd'));
    return this.users.get(uid) ?? '';
  }

  /** The group name for `gid`, or "" when there is none. */
  groupName(gid: number): string {
    this.groups ??= firstNames(this.read(this.files.group, 'group'));
    return this.groups.get(gid) ?? '';
  }

  private read(file: string, kind: 'passwd' | 'group'): Entry[] {
    try {
      return parseEntries(readFileSync(file), kind);
    } catch (error) {
      // As with NSS, an unreadable database means "no such name", not a failed backup; but say so once.
      this.problems.push(
        `${file} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [];
    }
  }
}
