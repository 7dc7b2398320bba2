/**
 * BackupOptions.sourceMap: targets read from a copy (a snapshot) but recorded under their own paths — what
 * System state sessions rely on so that restores land at /etc and the next session finds its parent.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { isEngineError } from '../errors';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../testing/restic-cli';
import { backup } from './archiver';

let dir: string;
let location: string;
let repo: Repository;
let storage: LocalBackend;

/** A "snapshot" of a live tree: the same relative layout under a session's folder, as the temporary copy makes. */
async function makeCopy(name: string, hostname: string): Promise<string> {
  const root = path.join(dir, name, 'root');
  await mkdir(path.join(root, 'etc', 'ssh'), { recursive: true });
  await mkdir(path.join(root, 'var', 'spool', 'cron'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'hostname'), hostname);
  await writeFile(path.join(root, 'etc', 'ssh', 'sshd_config'), 'Port 22\n'.repeat(500));
  await writeFile(path.join(root, 'etc', 'skip.tmp'), 'scratch');
  await writeFile(path.join(root, 'var', 'spool', 'cron', 'root'), '0 3 * * * true\n');
  return root;
}

beforeEach(async () => {
  dir = await makeTempDir('source-map');
  location = path.join(dir, 'repo');
  storage = new LocalBackend(location);
  repo = await Repository.init(storage, testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
});

afterEach(async () => {
  await storage.close();
  await removeTempDir(dir);
});

function mapped(root: string, staging: string) {
  return {
    paths: ['/etc', '/var/spool/cron', '/.backup-manager/system-state'],
    sourceMap: [
      { path: '/etc', readFrom: path.join(root, 'etc') },
      { path: '/var/spool/cron', readFrom: path.join(root, 'var', 'spool', 'cron') },
      { path: '/.backup-manager/system-state', readFrom: staging },
    ],
    workers: 0,
  };
}

describe('backup with a source map', () => {
  it('records the mapped paths, with excludes and warnings on the recorded paths, and restic reads it', async () => {
    const root = await makeCopy('session-1', 'first\n');
    const staging = path.join(dir, 'staging', 'session-1');
    await mkdir(staging, { recursive: true });
    await writeFile(path.join(staging, 'machine-manifest.json'), '{"hostname":"first"}\n');
    const warnings: string[] = [];
    const first = await backup(repo, {
      ...mapped(root, staging),
      excludes: ['/etc/*.tmp'],
      onWarning: (w) => warnings.push(`${w.path}: ${w.message}`),
    });
    expect(first.snapshot.paths).toEqual(['/.backup-manager/system-state', '/etc', '/var/spool/cron']);
    expect(warnings).toEqual([]);

    const ls = await resticOk(['ls', '--json', first.snapshotId], { repo: location });
    const listed = ls.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { path?: string })
      .flatMap((entry) => (entry.path ? [entry.path] : []));
    expect(listed).toEqual(
      expect.arrayContaining([
        '/etc/hostname',
        '/etc/ssh/sshd_config',
        '/var/spool/cron/root',
        '/.backup-manager/system-state/machine-manifest.json',
      ]),
    );
    // Nothing of where it was read from leaks into the snapshot, and the exclude matched the recorded path.
    expect(listed.some((p) => p.includes(dir) || p.includes('session-1') || p.includes('staging'))).toBe(
      false,
    );
    expect(listed).not.toContain('/etc/skip.tmp');
    await resticOk(['check', '--read-data'], { repo: location });

    const target = path.join(dir, 'restored');
    await resticOk(['restore', 'latest', '--target', target], { repo: location });
    expect(
      await import('node:fs/promises').then((fs) =>
        fs.readFile(path.join(target, 'etc', 'hostname'), 'utf8'),
      ),
    ).toBe('first\n');
  });

  it('finds the previous session as parent although it was read from another copy', async () => {
    const staging = path.join(dir, 'staging');
    await mkdir(staging, { recursive: true });
    const first = await backup(repo, mapped(await makeCopy('session-1', 'same\n'), staging));
    const second = await backup(repo, mapped(await makeCopy('session-2', 'same\n'), staging));
    expect(second.snapshot.parent).toBe(first.snapshotId);
    // Matched by recorded name: a new copy has new inodes and times, so its files count as changed, not new.
    expect(second.filesNew).toBe(0);
    expect(second.filesChanged + second.filesUnmodified).toBe(first.filesNew);
  });

  it('reports an unreadable mapped source under its recorded path', async () => {
    const root = await makeCopy('session-1', 'x\n');
    await rm(path.join(root, 'var', 'spool', 'cron'), { recursive: true });
    const staging = path.join(dir, 'staging');
    await mkdir(staging, { recursive: true });
    const warnings: string[] = [];
    await backup(repo, { ...mapped(root, staging), onWarning: (w) => warnings.push(w.path) });
    expect(warnings).toEqual(['"/var/spool/cron"']); // quoted as restic quotes paths
  });

  it('refuses a mapping for a path that is not backed up', async () => {
    const error = await backup(repo, {
      paths: ['/etc'],
      sourceMap: [{ path: '/boot', readFrom: dir }],
      workers: 0,
    }).catch((e: unknown) => e);
    expect(isEngineError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});
