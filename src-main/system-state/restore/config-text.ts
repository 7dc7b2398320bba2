/**
 * Which recorded configuration files the restore reads (fstab, crypttab, boot loader, network), what kind of
 * file each one is, and the small text rules their readers share: line splitting that keeps CRLF files intact,
 * `#` comments, and what counts as a whole UUID token. The finders (config-references.ts,
 * interface-references.ts) and the remap (uuid-remap.ts) use the same rules, so every reference the report lists is
 * exactly a token the remap would rewrite.
 */

export type ConfigFileRole =
  | 'fstab'
  | 'crypttab'
  | 'bootloader'
  | 'resume'
  | 'mdadm'
  | 'ifupdown'
  | 'netplan'
  | 'networkmanager'
  | 'networkd-network'
  | 'networkd-link'
  | 'networkd-netdev'
  | 'udev-net'
  | 'ifcfg';

/**
 * The recorded paths whose text the helper reads from the snapshot. `*` matches within one path segment and, as in
 * the shell globs these files are included by (`source /etc/network/interfaces.d/*`), never a leading dot, so
 * editor leftovers such as `.interfaces.swp` are not read. Paths on the EFI System Partition are matched without
 * regard to case: FAT is case-insensitive and firmware tools write `EFI` and `efi` alike.
 */
export const restoreConfigFiles: readonly { pattern: string; role: ConfigFileRole }[] = [
  { pattern: '/etc/fstab', role: 'fstab' },
  { pattern: '/etc/crypttab', role: 'crypttab' },
  { pattern: '/etc/default/grub', role: 'bootloader' },
  { pattern: '/etc/default/grub.d/*', role: 'bootloader' },
  { pattern: '/boot/grub/grub.cfg', role: 'bootloader' },
  { pattern: '/boot/grub2/grub.cfg', role: 'bootloader' },
  { pattern: '/boot/efi/EFI/*/grub.cfg', role: 'bootloader' },
  { pattern: '/boot/loader/entries/*.conf', role: 'bootloader' },
  { pattern: '/boot/efi/loader/entries/*.conf', role: 'bootloader' },
  { pattern: '/etc/kernel/cmdline', role: 'bootloader' },
  { pattern: '/etc/initramfs-tools/conf.d/resume', role: 'resume' },
  { pattern: '/etc/mdadm/mdadm.conf', role: 'mdadm' },
  { pattern: '/etc/network/interfaces', role: 'ifupdown' },
  { pattern: '/etc/network/interfaces.d/*', role: 'ifupdown' },
  { pattern: '/etc/netplan/*.yaml', role: 'netplan' },
  { pattern: '/etc/netplan/*.yml', role: 'netplan' },
  { pattern: '/etc/NetworkManager/system-connections/*', role: 'networkmanager' },
  { pattern: '/etc/systemd/network/*.network', role: 'networkd-network' },
  { pattern: '/etc/systemd/network/*.link', role: 'networkd-link' },
  { pattern: '/etc/systemd/network/*.netdev', role: 'networkd-netdev' },
  { pattern: '/etc/udev/rules.d/*persistent-net*.rules', role: 'udev-net' },
  { pattern: '/etc/sysconfig/network-scripts/ifcfg-*', role: 'ifcfg' },
];

const compiled = restoreConfigFiles.map(({ pattern, role }) => ({ role, regex: globToRegex(pattern) }));

function globToRegex(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '(?!\\.)[^/]+'
        : segment
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            // The first `*` of a segment may not match a leading dot; later ones may match anything but `/`.
            .reduce(
              (acc, part, i) => (i === 0 ? part : `${acc}${acc === '' ? '(?!\\.)' : ''}[^/]*${part}`),
              '',
            ),
    )
    .join('/');
  return new RegExp(`^${body}$`, pattern.startsWith('/boot/efi/') ? 'i' : '');
}

/** The role of a recorded file (by its live path), or null when the restore does not read it. */
export function configFileRole(recordedPath: string): ConfigFileRole | null {
  if (!recordedPath.startsWith('/') || recordedPath.split('/').some((s) => s === '..' || s === '.'))
    return null;
  return compiled.find((c) => c.regex.test(recordedPath))?.role ?? null;
}

/** Lines without their terminators (a CRLF file's `\r` is not part of the line). */
export function textLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * Where the comment of a line starts (its length when it has none): a `#` at the start of the line or after
 * whitespace, outside single or double quotes. A `#` inside a word (`$#`, `a#b`) is text, as in the shell,
 * grub.cfg, fstab, YAML and keyfiles.
 */
export function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return i;
  }
  return line.length;
}

/** The line without its comment. */
export function uncommented(line: string): string {
  return line.slice(0, commentStart(line));
}

/**
 * A filesystem UUID as configuration spells it: hex groups joined by `-` (`61ea8502-431c-…` for ext4/xfs/btrfs,
 * `7C3A-1F2B` for FAT, `0123456789ABCDEF` for NTFS), at least 8 hex digits. mdadm's array UUIDs
 * (`3aaa0122:29827cfa:…`) use colons and are array ids, not filesystems: the boundary rule excludes them.
 */
const uuidBody = '[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*';
/** Characters that continue a token: a UUID touching one of them is part of a longer word and not a reference. */
const tokenChar = '[A-Za-z0-9_.-]';
/** A token joined by `:` to a group of 8 hex digits is part of an mdadm array UUID. */
const mdadmBefore = '[0-9A-Fa-f]{8}:';
const mdadmAfter = ':[0-9A-Fa-f]{8}(?![A-Za-z0-9])';
/** A whole-token UUID; group 1 is the UUID. */
export function uuidTokenRegex(): RegExp {
  return new RegExp(`(?<!${tokenChar}|${mdadmBefore})(${uuidBody})(?!${tokenChar}|${mdadmAfter})`, 'g');
}

export function isUuidLike(text: string): boolean {
  return new RegExp(`^${uuidBody}$`).test(text) && text.replace(/-/g, '').length >= 8;
}

/** MACs in the manifest's form (lower case, colons); null when the text is not a MAC. */
export function normalizeMac(text: string): string | null {
  const trimmed = text.trim();
  // NetworkManager keyfiles before 1.0 wrote MACs as decimal bytes: "140;22;69;46;154;1;".
  const decimal = /^(\d{1,3};){6}$/.test(trimmed) ? trimmed.split(';').filter(Boolean).map(Number) : null;
  if (decimal) return decimal.every((b) => b <= 255) ? decimal.map(hexByte).join(':') : null;
  const hex = trimmed.replace(/[:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  if (/[:-]/.test(trimmed) && !/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/.test(trimmed)) return null;
  return (hex.match(/../g) as string[]).join(':');
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Shell-style glob match (`*`, `?`, `[…]`), as networkd and netplan match interface names. */
export function globMatches(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === name;
  const regex = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  try {
    return new RegExp(`^${regex}$`).test(name);
  } catch {
    // An unbalanced `[` is not a valid class: compare literally, as fnmatch does.
    return pattern === name;
  }
}
/** The physical interface a configured name depends on: `eth0:1` → eth0, `eth0.100` → eth0; null if virtual. */
export function physicalName(name: string, virtual: ReadonlySet<string>): string | null {
  let base = name.replace(/:\d+$/, '');
  const vlan = /^(.+)\.\d+$/.exec(base);
  if (vlan) base = vlan[1] as string;
  if (base === '' || base === 'lo' || virtual.has(base)) return null;
  return base;
}
