/**
 * Reads `lsblk --json --bytes` output. Columns are optional: callers ask for the ones they need, and every field
 * lsblk may print as null is nullable here.
 */
import { z } from 'zod';
import { SystemStateError } from '../../errors';

export interface BlockDevice {
  name: string;
  path: string | null;
  type: string;
  sizeBytes: number;
  partitionTableType: string | null;
  fsType: string | null;
  uuid: string | null;
  label: string | null;
  mountpoints: string[];
  model: string | null;
  removable: boolean;
  children: BlockDevice[];
}

const nullableString = z.string().nullable().optional();
type RawDevice = {
  name: string;
  path?: string | null | undefined;
  type?: string | null | undefined;
  size?: number | string | null | undefined;
  pttype?: string | null | undefined;
  fstype?: string | null | undefined;
  uuid?: string | null | undefined;
  label?: string | null | undefined;
  mountpoint?: string | null | undefined;
  mountpoints?: (string | null)[] | null | undefined;
  model?: string | null | undefined;
  rm?: boolean | string | null | undefined;
  children?: RawDevice[] | undefined;
};
const rawDevice: z.ZodType<RawDevice> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: nullableString,
    type: nullableString,
    size: z.union([z.number(), z.string()]).nullable().optional(),
    pttype: nullableString,
    fstype: nullableString,
    uuid: nullableString,
    label: nullableString,
    mountpoint: nullableString,
    mountpoints: z.array(z.string().nullable()).nullable().optional(),
    model: nullableString,
    rm: z.union([z.boolean(), z.string()]).nullable().optional(),
    children: z.array(rawDevice).optional(),
  }),
);
const lsblkOutput = z.object({ blockdevices: z.array(rawDevice) });

export function parseLsblk(text: string): BlockDevice[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SystemStateError('UNEXPECTED_OUTPUT', `lsblk printed no JSON: ${String(error)}`, {
      cause: error,
    });
  }
  const parsed = lsblkOutput.safeParse(json);
  if (!parsed.success)
    throw new SystemStateError(
      'UNEXPECTED_OUTPUT',
      `lsblk JSON has an unexpected shape: ${parsed.error.message}`,
    );
  return parsed.data.blockdevices.map(toDevice);
}

function toDevice(raw: RawDevice): BlockDevice {
  const mounts = [...(raw.mountpoints ?? []), raw.mountpoint ?? null].filter((m): m is string => !!m);
  return {
    name: raw.name,
    path: raw.path ?? null,
    type: raw.type ?? 'unknown',
    sizeBytes: typeof raw.size === 'number' ? raw.size : Number.parseInt(raw.size ?? '0', 10) || 0,
    partitionTableType: raw.pttype ?? null,
    fsType: raw.fstype ?? null,
    uuid: raw.uuid ?? null,
    label: raw.label ?? null,
    mountpoints: [...new Set(mounts)],
    model: raw.model?.trim() || null,
    removable: raw.rm === true || raw.rm === '1',
    children: (raw.children ?? []).map(toDevice),
  };
}

/** Every device of the tree, parents before children. */
export function flattenDevices(devices: readonly BlockDevice[]): BlockDevice[] {
  return devices.flatMap((d) => [d, ...flattenDevices(d.children)]);
}
