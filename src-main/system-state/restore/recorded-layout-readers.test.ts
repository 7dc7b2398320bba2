import { describe, expect, it } from 'vitest';
import { readFixture } from '../command-runner/recorded-command-runner';
import { diskLayoutScript } from './disk-layout-script';
import {
  parseBlockTree,
  parseLvmFullReport,
  parseMdadmScan,
  parseRecordedSfdisk,
} from './recorded-layout-readers';

const fixture = (name: string) => readFixture(new URL('./fixtures/linux/', import.meta.url), name);

describe('readers of the recorded disk layout', () => {
  it('mdadm --detail --scan, plain (recorded) and --verbose with its indented devices= line', () => {
    const plain = parseMdadmScan(fixture('mdadm-detail-scan.three-raid1-nvme-mint-forum.txt'));
    expect(plain.map((a) => [a.device, a.name, a.uuid, a.level])).toEqual([
      ['/dev/md/0', 'rescue:0', '03e245d4:5f490ce4:f7393d80:f5d5ac16', null],
      ['/dev/md/1', 'rescue:1', '81614e8b:27d500fd:d516c634:f1d7a592', null],
      ['/dev/md/2', 'rescue:2', '831a9940:4c261e15:e19da513:34eac5f3', null],
    ]);
    // As mdadm.conf files show it (a public Debian forum post): level, num-devices, continuation line.
    const verbose = parseMdadmScan(
      'DEVICE partitions\nARRAY /dev/md0 level=raid0 num-devices=2 UUID=d9e13672:329c9103:f35e8311:fd6bd579\n   devices=/dev/sda1,/dev/hdc2\nMAILADDR root\n',
    );
    expect(verbose).toEqual([
      {
        device: '/dev/md0',
        metadata: null,
        name: null,
        uuid: 'd9e13672:329c9103:f35e8311:fd6bd579',
        level: 'raid0',
        raidDevices: 2,
        spares: null,
        devices: ['/dev/sda1', '/dev/hdc2'],
        container: false,
      },
    ]);
    expect(
      parseMdadmScan('ARRAY /dev/md/imsm0 metadata=imsm UUID=0b664042:4aa18842:08590f76:9e8b9278\n')[0]
        ?.container,
    ).toBe(true);
    expect(() => parseMdadmScan('ARRAY /dev/md0 metadata=1.2\n')).toThrow(
      expect.objectContaining({ code: 'UNEXPECTED_OUTPUT' }),
    );
  });

  it('lvm fullreport (recorded): volume groups with PV UUIDs, LV sizes and segment types', () => {
    const [vg] = parseLvmFullReport(
      fixture('lvm-fullreport-json-units-b.vg0-two-pvs-linear-striped-debian12.txt'),
    );
    expect(vg?.name).toBe('vg0');
    expect(vg?.extentSizeBytes).toBe(4194304);
    expect(vg?.pvs.map((p) => p.name)).toEqual(['/dev/loop0p3', '/dev/loop1p1']);
    expect(vg?.lvs.map((lv) => [lv.name, lv.sizeBytes, lv.segtype, lv.stripes, lv.stripeSizeBytes])).toEqual([
      ['home', 100663296, 'striped', 2, 65536],
      ['root', 134217728, 'linear', 1, 0],
      ['swap', 33554432, 'linear', 1, 0],
    ]);
    expect(() =>
      parseLvmFullReport('{"report":[{"vg":[{"vg_name":"x","vg_uuid":"u","vg_extent_size":"4.00m"}]}]}'),
    ).toThrow(/not a byte count \(record it with --units b --nosuffix\)/);
  });

  it('sfdisk JSON with the fields a replay needs, and lsblk trees with fsroots', () => {
    const table = parseRecordedSfdisk(
      fixture('sfdisk-json.loop0-gpt-bios-boot-lvm-debian12.txt'),
      '/dev/loop0',
    );
    expect(table).toMatchObject({
      label: 'gpt',
      id: 'DEEB29A9-BE46-8247-9105-D4EF78E4329C',
      firstLba: 2048,
      sectorSize: 512,
    });
    expect(table.partitions[0]).toEqual({
      node: '/dev/loop0p1',
      start: 2048,
      size: 2048,
      type: '21686148-6E64-6F6E-6744-656564454649',
      uuid: '725464E7-9670-6342-A9DF-8E46EA99DD88',
      name: 'bios',
      attrs: null,
      bootable: false,
    });
    const tree = parseBlockTree(fixture('constructed-lsblk-json-output-all.nvme-three-raid1-mint-forum.txt'));
    expect(tree[0]?.children[2]?.children[0]).toMatchObject({
      name: 'md2',
      type: 'raid1',
      fsType: 'ext4',
      fsRoots: ['/'],
    });
    expect(() => parseRecordedSfdisk('{"partitiontable":{"label":"gpt"}}', '/dev/sda')).toThrow(
      /unexpected shape/,
    );
    expect(() => parseBlockTree('not json')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_OUTPUT' }));
  });

  // Constructed: a --verbose line of a RAID1 whose second member was already gone when it was recorded.
  it('a verbose scan of a degraded array: created with "missing" in the absent slot, and said so', () => {
    const { script, warnings } = diskLayoutScript({
      layout: {
        sfdisk: [
          {
            disk: '/dev/sda',
            json: JSON.stringify({
              partitiontable: {
                label: 'dos',
                id: '0x1234abcd',
                device: '/dev/sda',
                unit: 'sectors',
                sectorsize: 512,
                partitions: [{ node: '/dev/sda1', start: 2048, size: 1048576, type: 'fd' }],
              },
            }),
          },
        ],
        lsblkJson: null,
        lvmReportJson: null,
        mdadmScan:
          'ARRAY /dev/md0 level=raid1 num-devices=2 metadata=1.2 name=files:0 UUID=5fe7cf2a:25cd02f8:e6655b15:a1e136c2\n   devices=/dev/sda1\n',
        diskpartListDisk: null,
      },
      diskMap: { '/dev/sda': '/dev/vdb' },
    });
    expect(script).toContain(
      'mdadm --create /dev/md0 --run --metadata=1.2 --level=raid1 --raid-devices=2 --uuid=5fe7cf2a:25cd02f8:e6655b15:a1e136c2 --name=files:0 /dev/vdb1 missing',
    );
    expect(warnings.join('\n')).toMatch(/had 2 devices but only 1 were recorded: it is created degraded/);
  });
});
