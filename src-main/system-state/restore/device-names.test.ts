import { describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { createDeviceMapper, partitionNumber, partitionPath, shellCommand, shellWord } from './device-names';

describe('device names of the backed-up machine on this one', () => {
  it('follows the kernel rule: a p before the number when the disk name ends in a digit', () => {
    expect(partitionPath('/dev/sda', 2)).toBe('/dev/sda2');
    expect(partitionPath('/dev/nvme0n1', 2)).toBe('/dev/nvme0n1p2');
    expect(partitionPath('/dev/mmcblk0', 1)).toBe('/dev/mmcblk0p1');
    expect(partitionNumber('/dev/nvme0n1', '/dev/nvme0n1p12')).toBe(12);
    expect(partitionNumber('/dev/sda', '/dev/sda3')).toBe(3);
    expect(partitionNumber('/dev/sda', '/dev/sdaa1')).toBeNull();
    expect(partitionNumber('/dev/loop1', '/dev/loop10p1')).toBeNull();
  });

  it('maps disks and their partitions both ways (SATA <-> NVMe), and leaves other devices alone', () => {
    const { mapper, warnings } = createDeviceMapper(['/dev/sda', '/dev/nvme0n1', '/dev/sdaa'], {
      '/dev/sda': '/dev/nvme1n1',
      '/dev/nvme0n1': '/dev/sdb',
      '/dev/sdaa': '/dev/sdc',
    });
    expect(warnings).toEqual([]);
    expect(mapper.map('/dev/sda3')).toBe('/dev/nvme1n1p3');
    expect(mapper.map('/dev/nvme0n1p2')).toBe('/dev/sdb2');
    expect(mapper.map('/dev/sdaa1')).toBe('/dev/sdc1');
    expect(mapper.map('/dev/md/0')).toBe('/dev/md/0');
    expect(mapper.isOnRecordedDisk('/dev/mapper/vg0-root')).toBe(false);
  });

  it('warns about map entries for disks that were not recorded', () => {
    const { warnings } = createDeviceMapper(['/dev/sda'], { '/dev/sda': '/dev/sdb', '/dev/sdq': '/dev/sdc' });
    expect(warnings).toEqual(['The disk map names /dev/sdq, which is not in the recorded layout: ignored.']);
  });

  it('quotes for bash only what needs it, on one line even with control characters; bash reads it back', async () => {
    expect(shellCommand(['mkfs.ext4', '-L', "it's root", '/dev/sda2'])).toBe(
      "mkfs.ext4 -L 'it'\\''s root' /dev/sda2",
    );
    expect(shellWord("a'b\nrm -rf /")).toBe("$'a\\'b\\x0arm -rf /'");
    const bash = new ExecCommandRunner();
    for (const text of ["it's root", "a'b\nrm -rf /\\x", 'Données $(reboot) `id`', 'tab\there']) {
      const echoed = await bash.run({ argv: ['bash', '-c', `printf %s ${shellWord(text)}`] });
      expect(echoed).toMatchObject({ kind: 'exited', exitCode: 0, stdout: text });
    }
  });
});
