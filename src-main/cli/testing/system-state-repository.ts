/**
 * Test support for the CLI: a repository written by our engine holding System state sessions recorded the way a
 * helper session records them — the machine's files under their live paths (read from a folder standing in for
 * the machine, through the engine's `sourceMap`) and the staging folder (machine manifest, components record,
 * exports) under /.backup-manager/system-state, tagged `system-state`, for any hostname. (The helper room has its
 * own builder; the CLI may not import it.) Tests only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { backup } from '../../engine/archiver/archiver';
import { LocalBackend } from '../../engine/backend/local-backend';
import { parseChunkerPolynomial } from '../../engine/chunker/chunker-polynomial';
import { Repository } from '../../engine/repository/repository';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';

export const systemStateRepositoryPassword = 'restore wizard cli test password';

export interface RecordedSession {
  hostname: string;
  time: Date;
  /** Files of the machine by path relative to its root (`etc/fstab`); the recorded paths are their top folders. */
  files: Record<string, string>;
  manifest: MachineManifest;
  components: { id: string; title: string; paths: string[] }[];
  /** More staging files (`software/enabled-units.txt`…). */
  exports?: Record<string, string>;
}

/** An empty repository at `dir/repo` (cheap key derivation), and a function that records a session into it. */
export async function createSystemStateRepository(dir: string) {
  const location = path.join(dir, 'repo');
  const repository = await Repository.init(new LocalBackend(location), systemStateRepositoryPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  let count = 0;
  const write = async (root: string, files: Record<string, string>) => {
    for (const [relative, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
      await writeFile(path.join(root, relative), text);
    }
  };
  return {
    location,
    async addSession(session: RecordedSession): Promise<string> {
      const source = path.join(dir, `machine-${++count}`);
      await write(path.join(source, 'root'), session.files);
      await write(path.join(source, 'staging'), {
        'machine-manifest.json': JSON.stringify(session.manifest),
        'components.json': JSON.stringify({ version: 1, components: session.components }),
        ...session.exports,
      });
      const tops = [...new Set(Object.keys(session.files).map((f) => `/${f.split('/')[0]}`))].sort();
      const sourceMap = [
        ...tops.map((p) => ({ path: p, readFrom: path.join(source, 'root', p) })),
        { path: '/.backup-manager/system-state', readFrom: path.join(source, 'staging') },
      ];
      const summary = await backup(repository, {
        paths: sourceMap.map((m) => m.path),
        sourceMap,
        hostname: session.hostname,
        time: session.time,
        tags: ['system-state'],
        parent: null,
        workers: 0,
      });
      return summary.snapshotId;
    },
    close: () => repository.backend.close(),
  };
}

/** A valid manifest of a Debian 12 machine named `hostname`. */
export function linuxManifest(hostname: string): MachineManifest {
  return {
    version: 1,
    collectedAt: '2026-11-20T02:00:00.000Z',
    hostname,
    os: {
      family: 'linux',
      name: 'Debian GNU/Linux 12 (bookworm)',
      version: '12',
      id: 'debian',
      serverEdition: null,
    },
    kernel: '6.1.0-26-amd64',
    arch: 'x64',
    bootMode: 'bios',
    disks: [
      {
        name: 'sda',
        path: '/dev/sda',
        sizeBytes: 34_359_738_368,
        partitionStyle: 'mbr',
        model: null,
        removable: false,
      },
    ],
    filesystems: [
      {
        device: '/dev/sda1',
        mountpoints: ['/'],
        type: 'ext4',
        uuid: '0a1b2c3d-1111-2222-3333-444455556666',
        label: null,
      },
    ],
    networkInterfaces: [{ name: 'ens3', mac: '52:54:00:12:34:56' }],
    cpu: { model: 'QEMU Virtual CPU', logicalCores: 2 },
    notes: [],
  };
}
