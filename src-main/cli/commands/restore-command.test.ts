/**
 * `backup-manager restore` end to end: in-process through runCli (output shapes, exit codes, one-line errors) and
 * as the built binary out/main/cli.js (the real process exit code), on a restic-made repository, a copy of it
 * with a flipped byte in a data pack, and a hand-made repository with a hostile tree.
 */
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../engine/backend/local-backend';
import { idOf } from '../../engine/ids';
import { Repository } from '../../engine/repository/repository';
import { formatRfc3339Nano } from '../../engine/repository/rfc3339';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../../engine/testing/restic-cli';
import { runCli } from '../cli-runner';
import { commands } from './index';

let work = '';
let good = '';
let damaged = '';
let hostile = '';
let snapshotId = '';
const cliScript = path.resolve('out/main/cli.js');

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(commands, {
    argv,
    env: { BACKUP_MANAGER_PASSWORD: testPassword },
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function runBinary(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliScript, ...argv],
      { env: { ...process.env, BACKUP_MANAGER_PASSWORD: testPassword } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  work = await makeTempDir('restore-cli');
  const data = path.join(work, 'src', 'data');
  await mkdir(path.join(data, 'sub'), { recursive: true });
  await writeFile(path.join(data, 'a.txt'), 'alpha\n');
  await writeFile(path.join(data, 'sub', 'b.txt'), 'beta\n');
  await writeFile(path.join(data, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
  good = path.join(work, 'good');
  await resticOk(['init', '--repository-version', '2'], { repo: good });
  const backup = await resticOk(['backup', '--json', 'data'], { repo: good, cwd: path.join(work, 'src') });
  snapshotId = (JSON.parse(backup.stdout.trim().split('\n').at(-1) ?? '{}') as { snapshot_id: string })
    .snapshot_id;

  // A copy with one byte flipped in the middle of the data pack (it holds all three files' blobs).
  damaged = path.join(work, 'damaged');
  await cp(good, damaged, { recursive: true });
  const repository = await Repository.open(new LocalBackend(damaged), testPassword);
  await repository.loadIndex();
  // big.bin is one chunk (a run of equal bytes never meets the chunker's cut condition below 8 MiB).
  const bigBlob = idOf(Buffer.alloc(2 * 1024 * 1024, 7));
  const pack = [...repository.index.packs()].find((p) => p.blobs.some((b) => b.id === bigBlob));
  const blob = pack?.blobs.find((b) => b.id === bigBlob);
  await repository.backend.close();
  if (pack === undefined || blob === undefined) throw new Error('the blob of big.bin is not in the index');
  const packFile = path.join(damaged, 'data', pack.id.slice(0, 2), pack.id);
  await chmod(packFile, 0o600);
  const handle = await open(packFile, 'r+');
  await handle.write(Buffer.from([0x55]), 0, 1, blob.offset + Math.floor(blob.length / 2));
  await handle.close();

  // A repository of ours whose snapshot's tree holds a `..` entry next to a legitimate file.
  hostile = path.join(work, 'hostile');
  const ours = await Repository.init(new LocalBackend(hostile), testPassword, {
    chunkerPolynomial: 0x3da3358b4dc173n,
    kdf: { N: 1024, r: 8, p: 1 },
  });
  const time = '2024-01-01T00:00:00Z';
  const common = { mtime: time, atime: time, ctime: time, uid: 0, gid: 0 };
  const text = await ours.saveBlob('data', Buffer.from('fine\n'));
  const inner = await ours.saveBlob('tree', Buffer.from('{"nodes":[]}\n'));
  const nodes = [
    { name: '..', type: 'dir', mode: 2147484141, ...common, content: null, subtree: inner.id },
    { name: 'fine.txt', type: 'file', mode: 420, ...common, size: 5, links: 1, content: [text.id] },
  ];
  const root = await ours.saveBlob('tree', Buffer.from(`${JSON.stringify({ nodes })}\n`));
  await ours.saveSnapshot({
    time: formatRfc3339Nano(new Date()),
    tree: root.id,
    paths: ['/x'],
    hostname: 'h',
  });
  await ours.backend.close();
}, 120_000);

afterAll(() => removeTempDir(work));

describe('backup-manager restore', () => {
  it('restores the latest snapshot and prints a summary (exit 0)', async () => {
    const target = path.join(work, 't-latest');
    const result = await run(['restore', '--repo', good, 'latest', '--target', target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`restoring snapshot ${snapshotId.slice(0, 8)} of `);
    expect(result.stdout).toMatch(
      /Restored 3 files, 2 directories, 0 symlinks, 0 hardlinks, 0 special files \(2(\.0+)? MiB\) in /,
    );
    expect(await readFile(path.join(target, 'data', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
  });

  it('takes an ID prefix with a subpath, include paths, and --verify', async () => {
    const target = path.join(work, 't-sub');
    const result = await run([
      'restore',
      '--repo',
      good,
      `${snapshotId.slice(0, 6)}:/data`,
      '--target',
      target,
      '--include-path',
      'sub',
      '--verify',
    ]);
    expect(result.code).toBe(0);
    expect(await readdir(target)).toEqual(['sub']);
    expect(result.stdout).toContain('verified 2 entries, 5 B re-read: all match the snapshot');
  });

  it('--json: progress and summary as JSON lines on stdout', async () => {
    const target = path.join(work, 't-json');
    const result = await run(['restore', '--repo', good, 'latest', '--target', target, '--json']);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = lines.at(-1);
    expect(summary).toMatchObject({ type: 'summary', files: 3, directories: 2, failures: [] });
    expect(summary?.snapshot_id).toMatch(new RegExp(`^${snapshotId}[0-9a-f]{56}$`)); // restic printed the short ID
    expect(summary?.bytes).toBe(2 * 1024 * 1024 + 11);
    const progress = lines.filter((line) => line.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ filesDone: 3, filesTotal: 3, bytesTotal: 2 * 1024 * 1024 + 11 });
  });

  it('a damaged blob: the other files are restored, the damaged one listed, exit 1 with CORRUPT', async () => {
    const target = path.join(work, 't-damaged');
    const result = await run(['restore', '--repo', damaged, 'latest', '--target', target]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /failed: data\/big\.bin: CORRUPT: data blob [0-9a-f]{64} in pack [0-9a-f]{64}: /,
    );
    expect(result.stderr).toBe(
      'backup-manager: CORRUPT: 1 entry was not restored (1 CORRUPT; listed above)\n',
    );
    expect(await readFile(path.join(target, 'data', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(await readFile(path.join(target, 'data', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
  });

  it('a hostile tree: PATH_ESCAPE in one line, exit 1, the legitimate file restored', async () => {
    const target = path.join(work, 't-hostile');
    const result = await run(['restore', '--repo', hostile, 'latest', '--target', target, '--json']);
    expect(result.code).toBe(1);
    const failure = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.type === 'failure');
    expect(failure).toMatchObject({ type: 'failure', path: '".."', code: 'PATH_ESCAPE' });
    expect(JSON.parse(result.stderr)).toMatchObject({ type: 'error', code: 'PATH_ESCAPE' });
    expect(await readdir(target)).toEqual(['fine.txt']);
  });

  it('usage and lookup errors are one coded line', async () => {
    const noTarget = await run(['restore', '--repo', good, 'latest']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr.split('\n')[0]).toBe('backup-manager: USAGE: no target: give --target DIR');
    const unknown = await run(['restore', '--repo', good, 'ffffffff', '--target', path.join(work, 'x')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('backup-manager: NOT_FOUND: no snapshot ffffffff in the repository\n');
    const climbing = await run([
      'restore',
      '--repo',
      good,
      'latest:/data/../..',
      '--target',
      path.join(work, 'x'),
    ]);
    expect(climbing.code).toBe(1);
    expect(climbing.stderr).toMatch(/^backup-manager: PATH_ESCAPE: refused the name "\.\." in subpath .*\n$/);
  });

  it('the built binary exits 0 on success and 1 with one CORRUPT line on damage', async () => {
    const ok = await runBinary([
      'restore',
      '--repo',
      good,
      'latest',
      '--target',
      path.join(work, 'b-ok'),
      '-q',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const bad = await runBinary([
      'restore',
      '--repo',
      damaged,
      'latest',
      '--target',
      path.join(work, 'b-bad'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('backup-manager: CORRUPT: 1 entry was not restored (1 CORRUPT; listed above)\n');
  });
});
