/**
 * Readers of the recorded disk layout exports, with every field the disk layout script needs to recreate them:
 * `sfdisk --json DISK` (label id, first LBA, partition UUIDs, names and attributes), `mdadm --detail --scan`
 * (plain or --verbose), `lvm fullreport --reportformat json --units b --nosuffix`, and `lsblk --json --bytes
 * --output-all` (the stack of devices with filesystem type, version, UUID, label and btrfs subvolume roots).
 * platform/linux has narrower readers of the same outputs for the backup side.
 */
import { z } from 'zod';
import { SystemStateError } from '../errors';

export interface RecordedPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  uuid: string | null;
  name: string | null;
  attrs: string | null;
  bootable: boolean;
}

export interface RecordedPartitionTable {
  label: string;
  /** GPT disk GUID or the MBR disk identifier (`0xc1fe505d`, the prefix of its PARTUUIDs). */
  id: string | null;
  device: string;
  firstLba: number | null;
  sectorSize: number;
  partitions: RecordedPartition[];
}

const sfdiskJson = z.object({
  partitiontable: z.object({
    label: z.string().regex(/^[a-z]+$/),
    // MBR disk identifier or GPT disk GUID; written into the script's sfdisk input, so nothing else.
    id: z
      .string()
      .regex(
        /^(0x[0-9a-fA-F]{1,8}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/,
      )
      .optional(),
    device: z.string(),
    unit: z.literal('sectors'),
    firstlba: z.number().int().nonnegative().optional(),
    sectorsize: z.number().int().positive().optional(),
    partitions: z
      .array(
        z.object({
          node: z.string(),
          start: z.number().int().nonnegative(),
          size: z.number().int().nonnegative(),
          type: z.string().regex(/^[0-9A-Za-z-]+$/),
          uuid: z
            .string()
            .regex(/^[0-9A-Fa-f-]+$/)
            .optional(),
          name: z.string().optional(),
          attrs: z.string().optional(),
          bootable: z.boolean().optional(),
        }),
      )
      .optional(),
  }),
});

export function parseRecordedSfdisk(text: string, what: string): RecordedPartitionTable {
  const table = parseJson(sfdiskJson, text, `sfdisk JSON of ${what}`).partitiontable;
  return {
    label: table.label,
    id: table.id ?? null,
    device: table.device,
    firstLba: table.firstlba ?? null,
    // sfdisk before 2.33 did not print the sector size; 512 was the only size it handled then.
    sectorSize: table.sectorsize ?? 512,
    partitions: (table.partitions ?? []).map((p) => ({
      node: p.node,
      start: p.start,
      size: p.size,
      type: p.type,
      uuid: p.uuid ?? null,
      name: p.name ?? null,
      attrs: p.attrs ?? null,
      bootable: p.bootable ?? false,
    })),
  };
}

export interface RecordedMdArray {
  /** As named in the scan (`/dev/md/0`, `/dev/md0`, `/dev/md/data`). */
  device: string;
  metadata: string | null;
  name: string | null;
  /** mdadm's colon form (`03e245d4:5f490ce4:f7393d80:f5d5ac16`). */
  uuid: string;
  /** Only in `--verbose` scans; otherwise read from lsblk. */
  level: string | null;
  raidDevices: number | null;
  spares: number | null;
  devices: string[];
  /** IMSM/DDF firmware RAID (container= or metadata=imsm/ddf): not recreated with mdadm --create alone. */
  container: boolean;
}

/**
 * `ARRAY <device> key=value…` lines; `--verbose` adds `level=`, `num-devices=` and an indented continuation
 * line `devices=/dev/sda1,/dev/sdb1`. Other lines (`DEVICE`, `MAILADDR`, comments) are ignored.
 */
export function parseMdadmScan(text: string): RecordedMdArray[] {
  const logical: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s+\S/.test(line) && logical.length > 0) logical[logical.length - 1] += ` ${line.trim()}`;
    else if (line.trim() !== '') logical.push(line.trim());
  }
  return logical
    .filter((line) => line.startsWith('ARRAY '))
    .map((line) => {
      const [, device = '', ...tokens] = line.split(/\s+/);
      const fields = new Map(
        tokens.flatMap((token) => {
          const at = token.indexOf('=');
          return at > 0 ? [[token.slice(0, at).toLowerCase(), token.slice(at + 1)] as const] : [];
        }),
      );
      const uuid = fields.get('uuid');
      if (!device.startsWith('/dev/') || uuid === undefined || !/^[0-9a-f]{8}(:[0-9a-f]{8}){3}$/i.test(uuid))
        throw new SystemStateError(
          'UNEXPECTED_OUTPUT',
          `mdadm scan line without a device or UUID: ${JSON.stringify(line.slice(0, 160))}`,
        );
      const metadata = fields.get('metadata') ?? null;
      return {
        device,
        metadata,
        name: fields.get('name') ?? null,
        uuid: uuid.toLowerCase(),
        level: fields.get('level') ?? null,
        raidDevices: integerOrNull(fields.get('num-devices')),
        spares: integerOrNull(fields.get('spares')),
        devices: (fields.get('devices') ?? '').split(',').filter(Boolean),
        container: fields.has('container') || fields.has('member') || /^(imsm|ddf)$/i.test(metadata ?? ''),
      };
    });
}

export interface RecordedLogicalVolume {
  name: string;
  uuid: string;
  sizeBytes: number;
  attr: string;
  role: string;
  layout: string;
  segtype: string;
  stripes: number;
  stripeSizeBytes: number;
}

export interface RecordedVolumeGroup {
  name: string;
  uuid: string;
  extentSizeBytes: number;
  pvs: { name: string; uuid: string }[];
  lvs: RecordedLogicalVolume[];
}

const lvmRow = z.record(z.string(), z.string());
const lvmFullReport = z.object({
  report: z.array(
    z.object({
      vg: z.array(lvmRow).optional(),
      pv: z.array(lvmRow).optional(),
      lv: z.array(lvmRow).optional(),
      seg: z.array(lvmRow).optional(),
    }),
  ),
});

/** One volume group per report element, as `lvm fullreport` prints them. */
export function parseLvmFullReport(text: string): RecordedVolumeGroup[] {
  // LVM prints warnings ("  WARNING: …") on stdout between JSON lines in some versions.
  const json = text
    .split('\n')
    .filter((line) => !/^\s*(WARNING|File descriptor)/.test(line))
    .join('\n');
  const parsed = parseJson(lvmFullReport, json, 'lvm fullreport');
  return parsed.report.flatMap((section) => {
    const vg = section.vg?.[0];
    if (vg === undefined) return [];
    const segs = section.seg ?? [];
    return [
      {
        name: field(vg, 'vg_name'),
        uuid: field(vg, 'vg_uuid'),
        extentSizeBytes: bytes(field(vg, 'vg_extent_size')),
        pvs: (section.pv ?? []).map((pv) => ({ name: field(pv, 'pv_name'), uuid: field(pv, 'pv_uuid') })),
        lvs: (section.lv ?? []).map((lv): RecordedLogicalVolume => {
          const uuid = field(lv, 'lv_uuid');
          const seg = segs.find((s) => s.lv_uuid === uuid);
          return {
            name: field(lv, 'lv_name'),
            uuid,
            sizeBytes: bytes(field(lv, 'lv_size')),
            attr: field(lv, 'lv_attr'),
            role: lv.lv_role ?? '',
            layout: lv.lv_layout ?? '',
            segtype: seg?.segtype ?? '',
            stripes: integerOrNull(seg?.stripes) ?? 1,
            stripeSizeBytes: seg?.stripe_size ? bytes(seg.stripe_size) : 0,
          };
        }),
      },
    ];
  });
}

export interface BlockNode {
  name: string;
  path: string;
  type: string;
  sizeBytes: number;
  fsType: string | null;
  fsVersion: string | null;
  uuid: string | null;
  label: string | null;
  /** btrfs: the subvolumes mounted from it (`/@`, `/@home`), as lsblk's FSROOTS shows them. */
  fsRoots: string[];
  children: BlockNode[];
}

type RawNode = {
  name: string;
  path?: string | null | undefined;
  type?: string | null | undefined;
  size?: number | string | null | undefined;
  fstype?: string | null | undefined;
  fsver?: string | null | undefined;
  uuid?: string | null | undefined;
  label?: string | null | undefined;
  fsroots?: (string | null)[] | null | undefined;
  children?: RawNode[] | undefined;
};
const nullableString = z.string().nullable().optional();
const rawNode: z.ZodType<RawNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: nullableString,
    type: nullableString,
    size: z.union([z.number(), z.string()]).nullable().optional(),
    fstype: nullableString,
    fsver: nullableString,
    uuid: nullableString,
    label: nullableString,
    fsroots: z.array(z.string().nullable()).nullable().optional(),
    children: z.array(rawNode).optional(),
  }),
);

export function parseBlockTree(text: string): BlockNode[] {
  return parseJson(z.object({ blockdevices: z.array(rawNode) }), text, 'lsblk JSON').blockdevices.map(toNode);
}

function toNode(raw: RawNode): BlockNode {
  return {
    name: raw.name,
    path: raw.path ?? `/dev/${raw.name}`,
    type: raw.type ?? 'unknown',
    sizeBytes: typeof raw.size === 'number' ? raw.size : Number.parseInt(raw.size ?? '0', 10) || 0,
    fsType: raw.fstype ?? null,
    fsVersion: raw.fsver ?? null,
    uuid: raw.uuid ?? null,
    label: raw.label ?? null,
    fsRoots: (raw.fsroots ?? []).filter((r): r is string => !!r),
    children: (raw.children ?? []).map(toNode),
  };
}

function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SystemStateError('UNEXPECTED_OUTPUT', `${what} is not JSON: ${String(error)}`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new SystemStateError(
      'UNEXPECTED_OUTPUT',
      `${what} has an unexpected shape: ${parsed.error.message}`,
    );
  return parsed.data;
}

function field(row: Record<string, string>, key: string): string {
  const value = row[key];
  if (value === undefined)
    throw new SystemStateError('UNEXPECTED_OUTPUT', `lvm fullreport row has no "${key}"`);
  return value;
}

/** `--units b --nosuffix` sizes are plain byte counts. */
function bytes(text: string): number {
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < 0)
    throw new SystemStateError(
      'UNEXPECTED_OUTPUT',
      `lvm fullreport size "${text}" is not a byte count (record it with --units b --nosuffix)`,
    );
  return value;
}

function integerOrNull(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  return Number(text.trim());
}
