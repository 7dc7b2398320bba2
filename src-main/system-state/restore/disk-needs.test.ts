import { describe, expect, it } from 'vitest';
import type { DiskNeed, TargetDisk } from './disk-needs';
import { diskSize, pairDisks, readBackedUpLayout, targetDisks } from './disk-needs';
import { loadMachine } from './fixtures/restore-fixtures';

const need = (disk: string, bytes: number): DiskNeed => ({
  disk,
  bytes,
  certain: true,
  style: 'gpt',
  basis: '',
});
const target = (name: string, sizeBytes: number): TargetDisk => ({
  name,
  sizeBytes,
  style: 'none',
  model: null,
});

describe('disk sizes in words', () => {
  it('rounds needs up and capacities down, so a disk that does not fit never reads as the same size', () => {
    expect(diskSize(256_060_514_304, 'down')).toBe('256 GB');
    expect(diskSize(256_060_514_304, 'up')).toBe('257 GB');
    expect(diskSize(2_000_397_795_328, 'up')).toBe('2.01 TB');
    expect(diskSize(4_000_787_030_016, 'down')).toBe('4 TB');
    expect(diskSize(536_870_912, 'up')).toBe('537 MB');
  });
});

describe('pairDisks', () => {
  it('puts the largest need on the largest disk and reports what is left on either side', () => {
    const pairing = pairDisks(
      [need('sda', 100), need('sdb', 300), need('sdc', 200)],
      [target('x', 250), target('y', 500)],
    );
    expect(pairing.pairs.map((p) => `${p.need.disk}→${p.target.name}`)).toEqual(['sdb→y', 'sdc→x']);
    expect(pairing.unpairedNeeds.map((n) => n.disk)).toEqual(['sda']);
    expect(
      pairDisks([need('sda', 1)], [target('x', 5), target('y', 9)]).unusedTargets.map((t) => t.name),
    ).toEqual(['x']);
  });
});

describe('readBackedUpLayout and targetDisks', () => {
  it('reads the recorded sfdisk table and LVM report of the file server (the MBR partition holds the PV)', () => {
    const server = loadMachine('files-02-debian12-mbr-lvm');
    const reading = readBackedUpLayout(server.manifest, server.layout);
    expect(reading.source).toBe('layout');
    expect(reading.needs.map((n) => [n.disk, n.bytes, n.style])).toEqual([
      // (2099200 + 1887436800) sectors × 512 bytes: where sda2 ends.
      ['sda', 967_442_432_000, 'mbr'],
      // pv_size of the whole-disk PV /dev/sdb in the recorded `lvm fullreport`.
      ['sdb', 2_000_397_795_328, 'none'],
    ]);
    expect(reading.linuxLayouts[0]?.lvmOrMdPartitions).toEqual(['/dev/sda2']);
  });

  it('adds GPT’s backup table to the laptop’s span, and leaves removable disks here out', () => {
    const laptop = loadMachine('lap-ana-debian12-uefi');
    expect(readBackedUpLayout(laptop.manifest, laptop.layout).needs[0]?.bytes).toBe((936_380_416 + 33) * 512);
    const here = targetDisks(loadMachine('desk-0417-debian12-bios').manifest);
    expect(here.targets.map((t) => t.name)).toEqual(['sda']);
    expect(here.skipped).toEqual(['sdb (931.5 GiB, WD Elements 25A1): removable, not a target']);
  });
});
