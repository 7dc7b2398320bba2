/**
 * Parses diskpart's `list disk` and `list volume` tables (piped to diskpart on standard input). Sizes use binary
 * units ("1863 GB" is GiB). `Dyn` and `Gpt` columns hold `*` for dynamic and GPT disks.
 */
import { consoleLines } from './console-text';

export interface DiskpartDisk {
  number: string; // "0", "M0" for a missing dynamic disk
  status: string;
  sizeBytes: number;
  freeBytes: number;
  dynamic: boolean;
  gpt: boolean;
}

export interface DiskpartVolume {
  number: number;
  letter: string | null;
  label: string;
  fs: string;
  type: string;
  sizeBytes: number;
  status: string;
  info: string;
}

export function parseDiskpartDisks(text: string): DiskpartDisk[] {
  const disks: DiskpartDisk[] = [];
  const lines = consoleLines(text);
  const header = lines.find((l) => /Disk ###\s+Status\s+Size\s+Free\s+Dyn\s+Gpt/.test(l));
  if (header === undefined) return disks;
  const dynColumn = header.indexOf('Dyn');
  const gptColumn = header.indexOf('Gpt');
  for (const line of lines) {
    const m = /^\s*\*?\s*Disk (\w+)\s+(\S+)\s+(\d+\s*[KMGT]?B)\s+(\d+\s*[KMGT]?B)/.exec(line);
    if (!m) continue;
    // The row may be shifted by the markdown indent of a recorded page: align flags on the header's offset.
    const shift = line.indexOf('Disk') - header.indexOf('Disk');
    const flag = (column: number) => line.slice(column + shift - 1, column + shift + 3).includes('*');
    disks.push({
      number: m[1] as string,
      status: m[2] as string,
      sizeBytes: diskpartSize(m[3] as string),
      freeBytes: diskpartSize(m[4] as string),
      dynamic: flag(dynColumn),
      gpt: flag(gptColumn),
    });
  }
  return disks;
}

export function parseDiskpartVolumes(text: string): DiskpartVolume[] {
  const volumes: DiskpartVolume[] = [];
  const lines = consoleLines(text);
  const header = lines.find((l) => /Volume ###\s+Ltr\s+Label\s+Fs\s+Type\s+Size\s+Status\s+Info/.test(l));
  if (header === undefined) return volumes;
  const col = (name: string) => header.indexOf(name);
  const [ltr, label, fs, type, size, status, info] = [
    'Ltr',
    'Label',
    'Fs',
    'Type',
    'Size',
    'Status',
    'Info',
  ].map(col);
  const seen = new Set<number>();
  for (const line of lines) {
    const m = /^\s*\*?\s*Volume (\d+)/.exec(line);
    if (!m) continue;
    const shift = line.indexOf('Volume') - header.indexOf('Volume');
    const cut = (from: number | undefined, to: number | undefined) =>
      line.slice((from ?? 0) + shift, to === undefined ? undefined : to + shift).trim();
    const number = Number(m[1]);
    if (seen.has(number)) continue; // `detail disk` repeats volumes already listed
    seen.add(number);
    volumes.push({
      number,
      letter: cut(ltr, label) || null,
      label: cut(label, fs),
      fs: cut(fs, type),
      type: cut(type, (size ?? 0) - 3),
      sizeBytes: diskpartSize(cut((size ?? 0) - 3, status)),
      status: cut(status, info),
      info: cut(info, undefined),
    });
  }
  return volumes;
}

export function diskpartSize(text: string): number {
  const m = /(\d+)\s*(B|KB|MB|GB|TB)/.exec(text);
  if (!m) return 0;
  const powers: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4 };
  return Number(m[1]) * 1024 ** (powers[m[2] as string] ?? 0);
}

/** Dynamic volume types (basic volumes are "Partition"). */
export const dynamicVolumeTypes = new Set(['Simple', 'Spanned', 'Stripe', 'Mirror', 'RAID-5']);
