/**
 * The UUID remap: which filesystem of this machine each UUID of the backed-up configuration becomes, and the
 * rewrite of the restored files. A UUID that exists here is left alone (the same machine, or a disk that was moved
 * over). Otherwise, in this order: the user's choice (it must be a filesystem here); the filesystem mounted at the
 * target root plus the fstab mount point (the target root itself for `/`), same type preferred; for swap and the
 * resume device, the only swap area here; for a crypttab source, the only LUKS container here. References in the
 * boot loader and crypttab share the entry of the same UUID, so they follow its fstab line. Anything else stays
 * unresolved and is listed with the reason, never guessed.
 */
import path from 'node:path';
import { SystemStateError } from '../errors';
import type { MachineManifest } from '../manifest/machine-manifest';
import { commentStart, isUuidLike, textLines, uuidTokenRegex } from './config-text';
import type { UuidReference, UuidRemapEntry, UuidRemapPlan } from './restore-analysis-model';

type HereFilesystem = MachineManifest['filesystems'][number];

export interface UuidRemapInput {
  references: UuidReference[];
  here: MachineManifest['filesystems'];
  targetRoot: string;
  overrides: Readonly<Record<string, string>>;
}

const swapMountpoints = new Set(['none', 'swap']);

export function planUuidRemap(input: UuidRemapInput): UuidRemapPlan {
  if (!path.posix.isAbsolute(input.targetRoot))
    throw new SystemStateError(
      'INVALID_ARGUMENT',
      `target root must be an absolute path: ${input.targetRoot}`,
    );
  const here = input.here.filter(
    (f): f is HereFilesystem & { uuid: string } => f.uuid !== null && f.uuid !== '',
  );
  const hereByUuid = new Map(here.map((f) => [f.uuid.toLowerCase(), f]));
  const groups = new Map<string, UuidReference[]>();
  for (const ref of input.references) {
    const key = ref.uuid.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), ref]);
  }
  const overrides = new Map<string, string>();
  for (const [from, to] of Object.entries(input.overrides)) {
    const key = from.toLowerCase();
    if (!groups.has(key))
      throw new SystemStateError(
        'INVALID_ARGUMENT',
        `UUID ${from} is not referred to by the restored configuration; nothing to map`,
      );
    if (hereByUuid.has(key))
      throw new SystemStateError(
        'INVALID_ARGUMENT',
        `UUID ${from} exists on this machine and is kept as it is; remove the mapping for it`,
      );
    overrides.set(key, to);
  }

  const entries: UuidRemapEntry[] = [];
  for (const [key, refs] of groups) {
    if (hereByUuid.has(key)) continue;
    const fstab = refs.find((r) => r.kind === 'fstab') ?? refs.find((r) => r.mountpoint !== null);
    const mountpoint = fstab?.mountpoint ?? null;
    const base = {
      from: (fstab ?? (refs[0] as UuidReference)).uuid,
      mountpoint,
      references: refs.map((r) => ({ file: r.file, line: r.line })),
    };
    const override = overrides.get(key);
    const choice =
      override !== undefined
        ? chosenByUser(override, hereByUuid, fstab?.fsType ?? null)
        : matchHere(refs, fstab ?? null, here, input.targetRoot);
    entries.push({ ...base, ...choice });
  }
  // fstab order first (how a person reads the plan next to the file), then UUIDs fstab does not name.
  const fstabLine = (e: UuidRemapEntry) =>
    input.references.find((r) => r.kind === 'fstab' && r.uuid.toLowerCase() === e.from.toLowerCase())?.line ??
    Number.POSITIVE_INFINITY;
  const sorted = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => fstabLine(a.entry) - fstabLine(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
  return { entries: sorted, unresolved: sorted.filter((e) => e.to === null).length };
}

type Choice = { to: string | null; reason: string };

function chosenByUser(
  to: string,
  hereByUuid: ReadonlyMap<string, HereFilesystem & { uuid: string }>,
  fsType: string | null,
): Choice {
  const target = hereByUuid.get(to.toLowerCase());
  if (target === undefined)
    return {
      to: null,
      reason: `the UUID chosen for it (${to}) is not a filesystem on this machine; choose one that lsblk lists`,
    };
  return {
    to: target.uuid,
    reason: `chosen by the user: ${fsDescription(target)}${typeNote(target, fsType)}`,
  };
}

function matchHere(
  refs: UuidReference[],
  fstab: UuidReference | null,
  here: readonly (HereFilesystem & { uuid: string })[],
  targetRoot: string,
): Choice {
  const mountpoint = fstab?.mountpoint ?? null;
  const isSwap =
    fstab?.fsType === 'swap' ||
    (mountpoint !== null && swapMountpoints.has(mountpoint)) ||
    (fstab === null && refs.every((r) => r.kind === 'resume'));
  if (isSwap)
    return onlyOne(
      here.filter((f) => f.type === 'swap'),
      'swap area',
      'create one with mkswap',
    );
  if (mountpoint?.startsWith('/')) {
    const wanted = path.posix.join(targetRoot, mountpoint).replace(/(.)\/+$/, '$1');
    const mounted = here.filter((f) => f.mountpoints.some((m) => m.replace(/(.)\/+$/, '$1') === wanted));
    const sameType = mounted.filter(
      (f) => fstab?.fsType && f.type.toLowerCase() === fstab.fsType.toLowerCase(),
    );
    const chosen = sameType[0] ?? mounted[0];
    if (chosen !== undefined)
      return {
        to: chosen.uuid,
        reason: `the filesystem mounted at ${wanted}: ${fsDescription(chosen)}${typeNote(chosen, fstab?.fsType ?? null)}`,
      };
    return {
      to: null,
      reason: `no filesystem with a UUID is mounted at ${wanted}; mount the new filesystem for ${mountpoint} there, or choose its UUID`,
    };
  }
  if (refs.some((r) => r.kind === 'crypttab'))
    return onlyOne(
      here.filter((f) => f.type === 'crypto_LUKS'),
      'LUKS container',
      'create it with cryptsetup luksFormat',
    );
  if (refs.every((r) => r.kind === 'bootloader'))
    return {
      to: null,
      reason:
        'only the boot loader refers to it; the boot repair step regenerates the boot loader configuration with the right UUID, or choose one',
    };
  return { to: null, reason: 'no fstab entry says where it is mounted; choose the filesystem for it' };
}

function onlyOne(
  candidates: readonly (HereFilesystem & { uuid: string })[],
  what: string,
  create: string,
): Choice {
  const [only] = candidates;
  if (candidates.length === 1 && only !== undefined)
    return { to: only.uuid, reason: `the only ${what} on this machine: ${fsDescription(only)}` };
  if (candidates.length === 0)
    return { to: null, reason: `no ${what} on this machine: ${create}, then choose it` };
  return {
    to: null,
    reason: `${candidates.length} ${what}s on this machine (${candidates.map((c) => c.device).join(', ')}): choose one`,
  };
}

function fsDescription(f: HereFilesystem): string {
  return `${f.device} (${f.type}${f.label ? `, "${f.label}"` : ''})`;
}

function typeNote(f: HereFilesystem, fsType: string | null): string {
  if (fsType === null || fsType === 'auto' || f.type.toLowerCase() === fsType.toLowerCase()) return '';
  return `; its type is ${f.type} where fstab says ${fsType}: correct the type in /etc/fstab`;
}

/**
 * Rewrites the UUIDs of `mapping` (old → new, compared without regard to case) where they stand as whole tokens:
 * `UUID=…`, `/dev/disk/by-uuid/…`, GRUB's search argument. A UUID that is part of a longer word (`gnulinux-simple-…`
 * menu entry ids, `luks-…` names) is left alone, and so are comments. The new UUID is written as this machine
 * reports it (lsblk/blkid spelling): `/dev/disk/by-uuid` links use that spelling, so copying the old token's case
 * could name a link that does not exist. Line endings are kept.
 */
export function applyUuidRemap(
  text: string,
  mapping: ReadonlyMap<string, string>,
): { text: string; replaced: number } {
  const lookup = new Map<string, string>();
  for (const [from, to] of mapping) {
    if (!isUuidLike(from) || !isUuidLike(to))
      throw new SystemStateError('INVALID_ARGUMENT', `not a filesystem UUID mapping: ${from} → ${to}`);
    const key = from.toLowerCase();
    const previous = lookup.get(key);
    if (previous !== undefined && previous !== to)
      throw new SystemStateError('INVALID_ARGUMENT', `UUID ${from} is mapped twice (${previous}, ${to})`);
    lookup.set(key, to);
  }
  let replaced = 0;
  const lines = text.split('\n');
  const rewritten = textLines(text).map((line, i) => {
    const cut = commentStart(line);
    const code = line.slice(0, cut).replace(uuidTokenRegex(), (token: string) => {
      const to = lookup.get(token.toLowerCase());
      if (to === undefined) return token;
      replaced++;
      return to;
    });
    const ending = (lines[i] as string).endsWith('\r') ? '\r' : '';
    return code + line.slice(cut) + ending;
  });
  return { text: rewritten.join('\n'), replaced };
}
