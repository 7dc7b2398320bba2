/**
 * Reads LVM's JSON reports (`vgs`/`lvs`/`lvm fullreport` with `--reportformat json`). Values are strings; sizes
 * are bytes when run with `--units b --nosuffix`, and human units ("4.00m", "<1.47g", "0 ") otherwise, so both are
 * accepted. Warnings LVM interleaves with the JSON on stdout are dropped before parsing.
 */
import { z } from 'zod';
import { SystemStateError } from '../../errors';

export interface VolumeGroup {
  name: string;
  sizeBytes: number;
  freeBytes: number;
  extentSizeBytes: number;
  extentCount: number;
  freeExtents: number;
}

export interface LogicalVolume {
  name: string;
  vgName: string;
  path: string;
  sizeBytes: number;
  attr: string;
  origin: string;
  tags: string[];
}

export interface PhysicalVolume {
  /** The device path (`/dev/sda2`, or a whole disk `/dev/sdb`). */
  name: string;
  vgName: string;
  /** The size LVM uses on the device (what a replacement device must at least hold to restore the VG onto it). */
  sizeBytes: number;
  /** The size of the device itself. */
  deviceSizeBytes: number;
}

const report = z.object({
  report: z.array(z.record(z.string(), z.array(z.record(z.string(), z.string())))),
});

function parseReport(text: string, section: 'vg' | 'lv'): Record<string, string>[] {
  return parseReportEntries(text)
    .flatMap((r) => r[section] ?? [])
    .filter((row) => Object.keys(row).length > 0);
}

/** The entries of a report: one per command for vgs/lvs, one per volume group for `lvm fullreport`. */
function parseReportEntries(text: string): Record<string, Record<string, string>[]>[] {
  // LVM prints warnings ("  WARNING: …") on stdout between JSON lines in some versions.
  const json = text
    .split('\n')
    .filter((line) => !/^\s*(WARNING|File descriptor)/.test(line))
    .join('\n');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SystemStateError('UNEXPECTED_OUTPUT', `LVM printed no JSON report: ${String(error)}`, {
      cause: error,
    });
  }
  const parsed = report.safeParse(value);
  if (!parsed.success)
    throw new SystemStateError(
      'UNEXPECTED_OUTPUT',
      `LVM JSON report has an unexpected shape: ${parsed.error.message}`,
    );
  return parsed.data.report;
}

export function parseVolumeGroups(text: string): VolumeGroup[] {
  return parseReport(text, 'vg').map((row) => {
    const name = required(row, 'vg_name');
    const extentSizeBytes = lvmSize(required(row, 'vg_extent_size'));
    const freeExtents = integer(required(row, 'vg_free_count'));
    return {
      name,
      sizeBytes: lvmSize(row.vg_size ?? '0'),
      // Human units are rounded ("<1.47g"); extents times their size is exact.
      freeBytes: freeExtents * extentSizeBytes,
      extentSizeBytes,
      extentCount: integer(row.vg_extent_count ?? '0'),
      freeExtents,
    };
  });
}

export function parseLogicalVolumes(text: string): LogicalVolume[] {
  return parseReport(text, 'lv').map((row) => ({
    name: required(row, 'lv_name'),
    // `-o lv_all` has no vg_name column, but lv_full_name is "vg/lv".
    vgName: row.vg_name ?? row.lv_full_name?.split('/')[0] ?? '',
    path: row.lv_path ?? '',
    sizeBytes: lvmSize(row.lv_size ?? '0'),
    attr: row.lv_attr ?? '',
    origin: row.origin ?? '',
    tags: (row.lv_tags ?? '').split(',').filter(Boolean),
  }));
}

/**
 * The physical volumes of `pvs --reportformat json` or `lvm fullreport` (whose pv rows carry no vg_name: the VG is
 * the one of the report entry they are listed in).
 */
export function parsePhysicalVolumes(text: string): PhysicalVolume[] {
  return parseReportEntries(text).flatMap((entry) => {
    const vgName = entry.vg?.[0]?.vg_name ?? '';
    return (entry.pv ?? [])
      .filter((row) => Object.keys(row).length > 0)
      .map((row) => ({
        name: required(row, 'pv_name'),
        vgName: row.vg_name ?? vgName,
        sizeBytes: lvmSize(row.pv_size ?? '0'),
        deviceSizeBytes: lvmSize(row.dev_size ?? row.pv_size ?? '0'),
      }));
  });
}

function required(row: Record<string, string>, key: string): string {
  const value = row[key];
  if (value === undefined)
    throw new SystemStateError('UNEXPECTED_OUTPUT', `LVM report row has no "${key}" (ask for it with -o)`);
  return value;
}

function integer(text: string): number {
  const value = Number.parseInt(text.trim(), 10);
  if (!Number.isFinite(value))
    throw new SystemStateError('UNEXPECTED_OUTPUT', `not a number in LVM report: "${text}"`);
  return value;
}

const unitFactors: Record<string, number> = {
  b: 1,
  s: 512,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** "4194304", "4194304B", "4.00m", "<1.47g", "0 " → bytes (LVM's lowercase units are powers of 1024). */
export function lvmSize(text: string): number {
  const match = /^\s*<?\s*([\d.,]+)\s*([bskmgtpBSKMGTP]?)\s*$/.exec(text);
  if (!match) throw new SystemStateError('UNEXPECTED_OUTPUT', `not an LVM size: "${text}"`);
  const number = Number.parseFloat((match[1] as string).replace(',', '.'));
  const unit = (match[2] || 'b').toLowerCase();
  return Math.round(number * (unitFactors[unit] ?? 1));
}
