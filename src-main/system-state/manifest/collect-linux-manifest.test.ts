/**
 * The Linux manifest's filesystems without udev: lsblk then reports no filesystem type or UUID (it reads them from
 * the udev database), so the UUIDs of mounted filesystems come from findmnt, which probes them itself. The outputs
 * were recorded on Debian 12 without udev (util-linux 2.38.1), an ext4 image loop-mounted at /tmp/tmnt; findmnt's
 * list is trimmed to the loop device and two pseudo filesystems.
 */
import { describe, expect, it } from 'vitest';
import { RecordedCommandRunner } from '../command-runner/recorded-command-runner';
import { collectLinuxManifest, manifestFindmntArgv, manifestLsblkArgv } from './collect-linux-manifest';

const lsblkWithoutUdev = `{
   "blockdevices": [
      {
         "name": "loop0",
         "path": "/dev/loop0",
         "type": "loop",
         "size": 67108864,
         "pttype": null,
         "fstype": null,
         "uuid": null,
         "label": null,
         "mountpoints": [
             "/tmp/tmnt"
         ],
         "model": null,
         "rm": false
      }
   ]
}`;

const findmnt = `{
   "filesystems": [
      {
         "source": "proc",
         "target": "/proc",
         "fstype": "proc",
         "uuid": null,
         "label": null
      },{
         "source": "devpts",
         "target": "/dev/pts",
         "fstype": "devpts",
         "label": null
      },{
         "source": "/dev/loop0",
         "target": "/tmp/tmnt",
         "fstype": "ext4",
         "uuid": "09e158c8-f059-4129-8047-c28ecc3f2467",
         "label": "bootfs"
      }
   ]
}`;

describe('collectLinuxManifest without udev', () => {
  it('takes the UUID, type and label of a mounted filesystem from findmnt when lsblk has none', async () => {
    const runner = new RecordedCommandRunner([
      { argv: manifestLsblkArgv, answer: { exitCode: 0, stdout: lsblkWithoutUdev } },
      { argv: manifestFindmntArgv, answer: { exitCode: 0, stdout: findmnt } },
    ]);
    const manifest = await collectLinuxManifest(runner);
    expect(manifest.filesystems).toEqual([
      {
        device: '/dev/loop0',
        mountpoints: ['/tmp/tmnt'],
        type: 'ext4',
        uuid: '09e158c8-f059-4129-8047-c28ecc3f2467',
        label: 'bootfs',
      },
    ]);
    expect(runner.unused()).toEqual([]);
  });

  it('does not ask findmnt when lsblk knows the UUIDs, and notes a findmnt that fails', async () => {
    const withUdev = lsblkWithoutUdev
      .replace('"fstype": null', '"fstype": "ext4"')
      .replace('"uuid": null', '"uuid": "09e158c8-f059-4129-8047-c28ecc3f2467"');
    const known = new RecordedCommandRunner([
      { argv: manifestLsblkArgv, answer: { exitCode: 0, stdout: withUdev } },
    ]);
    expect((await collectLinuxManifest(known)).filesystems[0]?.uuid).toBe(
      '09e158c8-f059-4129-8047-c28ecc3f2467',
    );
    expect(known.calls.map((c) => c.argv[0])).toEqual(['lsblk']);

    const failing = new RecordedCommandRunner([
      { argv: manifestLsblkArgv, answer: { exitCode: 0, stdout: lsblkWithoutUdev } },
      { argv: manifestFindmntArgv, answer: { missing: true } },
    ]);
    const manifest = await collectLinuxManifest(failing);
    expect(manifest.filesystems).toEqual([]);
    expect(manifest.notes.join('\n')).toContain('filesystem UUIDs of mounted devices unknown');
  });
});
