/**
 * Parses `vssadmin list shadowstorage`: one association per volume, telling where its shadow copies' differences
 * are stored and how much space they may use. Handles lines wrapped at 80 columns and the Vista format without
 * percentages, where "For volume" and "Shadow Copy Storage volume" can share a line.
 */
import { SystemStateError } from '../../errors';
import { consoleLines } from './console-text';

export interface ShadowStorageAssociation {
  forVolume: string; // drive as printed, e.g. "C:" ("?" when the volume has no letter)
  forVolumeGuid: string | null;
  storageVolume: string;
  usedBytes: number | null;
  allocatedBytes: number | null;
  /** null when UNBOUNDED. */
  maximumBytes: number | null;
  maximumText: string;
}

const volumeRef = /\((\w:|\?)\)(\\\\\?\\Volume\{[0-9a-f-]+\}\\)?/i;

export function parseShadowStorage(text: string): ShadowStorageAssociation[] {
  // Rejoin lines wrapped mid-GUID: a line ending inside "\\?\Volume{…" continues on the next one.
  const joined: string[] = [];
  for (const line of consoleLines(text)) {
    const previous = joined[joined.length - 1];
    if (previous !== undefined && /\\\\\?\\Volume\{[0-9a-f-]*$/i.test(previous))
      joined[joined.length - 1] = previous + line;
    else joined.push(line);
  }
  const associations: ShadowStorageAssociation[] = [];
  let current: ShadowStorageAssociation | null = null;
  for (const line of joined) {
    const forVolume = /For volume:\s*(.*?)(?:\s+Shadow Copy Storage volume:\s*(.*))?$/.exec(line);
    if (forVolume) {
      const ref = volumeRef.exec(forVolume[1] as string);
      current = {
        forVolume: ref?.[1] ?? (forVolume[1] as string),
        forVolumeGuid: ref?.[2] ?? null,
        storageVolume: forVolume[2] ? (volumeRef.exec(forVolume[2])?.[1] ?? forVolume[2]) : '',
        usedBytes: null,
        allocatedBytes: null,
        maximumBytes: null,
        maximumText: '',
      };
      associations.push(current);
      continue;
    }
    if (current === null) continue;
    const storage = /^Shadow Copy Storage volume:\s*(.*)$/.exec(line.trim());
    if (storage) current.storageVolume = volumeRef.exec(storage[1] as string)?.[1] ?? (storage[1] as string);
    const used = /^Used Shadow Copy Storage space:\s*(.*)$/.exec(line.trim());
    if (used) current.usedBytes = vssSize(used[1] as string);
    const allocated = /^Allocated Shadow Copy Storage space:\s*(.*)$/.exec(line.trim());
    if (allocated) current.allocatedBytes = vssSize(allocated[1] as string);
    const maximum = /^Maximum Shadow Copy Storage space:\s*(.*)$/.exec(line.trim());
    if (maximum) {
      current.maximumText = maximum[1] as string;
      current.maximumBytes = /UNBOUNDED/i.test(maximum[1] as string) ? null : vssSize(maximum[1] as string);
    }
  }
  return associations;
}

/** "2.81 GB (7%)", "4 GB (10%)", "1.335 GB" → bytes (vssadmin's units are binary). */
export function vssSize(text: string): number | null {
  const match = /([\d.,]+)\s*(B|KB|MB|GB|TB|PB)\b/i.exec(text);
  if (!match) return null;
  const powers: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4, PB: 5 };
  const number = Number.parseFloat((match[1] as string).replace(',', '.'));
  return Math.round(number * 1024 ** (powers[(match[2] as string).toUpperCase()] ?? 0));
}

/**
 * The command that puts a volume's shadow storage on another volume (the snapshot location on Windows): `add`
 * when the volume has no association yet, `resize` to change the maximum of an existing one on that volume.
 * Moving an existing association to another volume requires deleting it first (vssadmin cannot move it).
 */
export function shadowStoragePlan(
  forDrive: string,
  onDrive: string,
  maxSize: string,
  existing: readonly ShadowStorageAssociation[],
): [string, ...string[]][] {
  const drive = (d: string) => {
    const m = /^([A-Za-z]):\\?$/.exec(d);
    if (!m) throw new SystemStateError('INVALID_ARGUMENT', `not a drive letter: ${d}`);
    return `${(m[1] as string).toUpperCase()}:`;
  };
  if (!/^(UNBOUNDED|\d+(KB|MB|GB|TB)|\d{1,2}%|100%)$/i.test(maxSize))
    throw new SystemStateError('INVALID_ARGUMENT', `not a vssadmin size: ${maxSize}`);
  const forVol = drive(forDrive);
  const onVol = drive(onDrive);
  const current = existing.find((a) => a.forVolume.toUpperCase() === forVol);
  const add: [string, ...string[]] = [
    'vssadmin',
    'add',
    'shadowstorage',
    `/for=${forVol}`,
    `/on=${onVol}`,
    `/maxsize=${maxSize}`,
  ];
  if (current === undefined) return [add];
  if (current.storageVolume.toUpperCase() === onVol)
    return [['vssadmin', 'resize', 'shadowstorage', `/for=${forVol}`, `/on=${onVol}`, `/maxsize=${maxSize}`]];
  return [
    ['vssadmin', 'delete', 'shadowstorage', `/for=${forVol}`, `/on=${current.storageVolume}`, '/quiet'],
    add,
  ];
}
