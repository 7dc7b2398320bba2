/** Reads `sfdisk --json DEVICE`: the partition table label, sector size and each partition's span and type. */
import { z } from 'zod';
import { SystemStateError } from '../../errors';

export interface PartitionTable {
  label: 'dos' | 'gpt' | string;
  device: string;
  sectorSize: number;
  partitions: { node: string; start: number; size: number; type: string }[];
}

const sfdiskOutput = z.object({
  partitiontable: z.object({
    label: z.string(),
    device: z.string(),
    unit: z.literal('sectors'),
    sectorsize: z.number().int().positive().optional(),
    partitions: z
      .array(z.object({ node: z.string(), start: z.number(), size: z.number(), type: z.string() }))
      .optional(),
  }),
});

export function parseSfdiskJson(text: string): PartitionTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SystemStateError('UNEXPECTED_OUTPUT', `sfdisk printed no JSON: ${String(error)}`, {
      cause: error,
    });
  }
  const parsed = sfdiskOutput.safeParse(json);
  if (!parsed.success)
    throw new SystemStateError(
      'UNEXPECTED_OUTPUT',
      `sfdisk JSON has an unexpected shape: ${parsed.error.message}`,
    );
  const table = parsed.data.partitiontable;
  return {
    label: table.label,
    device: table.device,
    // sfdisk before 2.33 did not print the sector size; 512 was the only size it handled then.
    sectorSize: table.sectorsize ?? 512,
    partitions: table.partitions ?? [],
  };
}

/** MBR partition type ids of LVM physical volumes and Linux RAID members. */
export const mbrLvmType = '8e';
export const mbrRaidType = 'fd';
