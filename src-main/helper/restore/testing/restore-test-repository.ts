/**
 * Test support for the restore wizard's helper side: a repository in a temporary folder written by our own engine,
 * holding System state snapshots recorded the way a session records them — the machine's files under their live
 * paths (read from a folder standing in for the machine, through the engine's `sourceMap`) and the staging folder
 * under /.backup-manager/system-state — for any hostname and time. Tests only.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { backup } from '../../../engine/archiver/archiver';
import { LocalBackend } from '../../../engine/backend/local-backend';
import { parseChunkerPolynomial } from '../../../engine/chunker/chunker-polynomial';
import type { Id } from '../../../engine/ids';
import { Repository } from '../../../engine/repository/repository';
import type { Snapshot } from '../../../engine/repository/snapshot';
import type { MachineManifest } from '../../../system-state/manifest/machine-manifest';
import { systemStateTag } from '../../sessions/session-backup';
import { systemStateExportPath } from '../../sessions/session-paths';

export const testRepositoryPassword = 'restore wizard test password';

/** A file's content, or a symlink to `target`. */
export type TestEntry = string | Buffer | { symlink: string };

export interface TestSession {
  hostname: string;
  /** Snapshot time. */
  time: Date;
  /** The machine's files by absolute path (`/etc/fstab`); the recorded paths are `paths`. */
  files: Record<string, TestEntry>;
  /** Recorded paths (default: the top-level folders of `files`, e.g. /etc and /boot). */
  paths?: string[];
  /** Staging folder files by path relative to it (`machine-manifest.json`, `disk-layout/lsblk.json`); none: no staging. */
  staging?: Record<string, TestEntry>;
  /** Default: ['system-state']. */
  tags?: string[];
}

export interface TestRepository {
  dir: string;
  path: string;
  repository: Repository;
  /** Backs up one session; returns its snapshot ID and snapshot. */
  addSession(session: TestSession): Promise<{ id: Id; snapshot: Snapshot }>;
}

/** An empty repository in `dir/repo`, opened (cheap key derivation: tests only). */
export async function createTestRepository(dir: string): Promise<TestRepository> {
  const repoPath = path.join(dir, 'repo');
  const repository = await Repository.init(new LocalBackend(repoPath), testRepositoryPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  let count = 0;
  return {
    dir,
    path: repoPath,
    repository,
    async addSession(session) {
      const source = path.join(dir, `machine-${++count}`);
      const root = path.join(source, 'root');
      await writeEntries(root, session.files);
      const paths = session.paths ?? topLevelPaths(Object.keys(session.files));
      const sourceMap = paths.map((p) => ({ path: p, readFrom: path.join(root, p) }));
      if (session.staging !== undefined) {
        const staging = path.join(source, 'staging');
        await mkdir(staging, { recursive: true });
        await writeEntries(staging, session.staging);
        sourceMap.push({ path: systemStateExportPath, readFrom: staging });
      }
      const summary = await backup(repository, {
        paths: sourceMap.map((m) => m.path),
        sourceMap,
        hostname: session.hostname,
        time: session.time,
        tags: session.tags ?? [systemStateTag],
        parent: null,
        workers: 0,
      });
      return { id: summary.snapshotId, snapshot: summary.snapshot };
    },
  };
}

function topLevelPaths(files: readonly string[]): string[] {
  return [...new Set(files.map((f) => `/${f.split('/').filter(Boolean)[0] ?? ''}`))].sort();
}

async function writeEntries(root: string, entries: Record<string, TestEntry>): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const [relative, entry] of Object.entries(entries)) {
    const target = path.join(root, relative);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof entry === 'object' && !Buffer.isBuffer(entry)) await symlink(entry.symlink, target);
    else await writeFile(target, entry);
  }
}

/** A valid machine manifest of a Linux machine; `overrides` replace whole top-level fields. */
export function testManifest(overrides: Partial<MachineManifest> = {}): MachineManifest {
  return {
    version: 1,
    collectedAt: '2026-11-01T10:00:00.000Z',
    hostname: 'alpha',
    os: {
      family: 'linux',
      name: 'Debian GNU/Linux',
      version: '12 (bookworm)',
      id: 'debian',
      serverEdition: null,
    },
    kernel: '6.1.0-26-amd64',
    arch: 'x86_64',
    bootMode: 'uefi',
    disks: [
      {
        name: 'sda',
        path: '/dev/sda',
        sizeBytes: 512_110_190_592,
        partitionStyle: 'gpt',
        model: 'Samsung SSD 860',
        removable: false,
      },
    ],
    filesystems: [
      { device: '/dev/sda1', mountpoints: ['/boot/efi'], type: 'vfat', uuid: 'B2C4-11F0', label: null },
      {
        device: '/dev/sda2',
        mountpoints: ['/'],
        type: 'ext4',
        uuid: '0a1b2c3d-1111-2222-3333-444455556666',
        label: null,
      },
    ],
    networkInterfaces: [{ name: 'enp3s0', mac: '52:54:00:12:34:56' }],
    cpu: { model: 'Intel(R) Xeon(R) E-2224', logicalCores: 4 },
    notes: [],
    ...overrides,
  };
}
