/**
 * The SFTP backend against a real OpenSSH server (testing/sshd-server.ts): a repository written through it is
 * checked by the real restic over SFTP and restored equal to the source; a host key that is not the known one is
 * refused; a refused key is AUTH_FAILED; a stopped server is REPO_UNREACHABLE.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import { isEngineError } from '../errors';
import { idOf } from '../ids';
import { Repository } from '../repository/repository';
import { restore } from '../restore/restorer';
import { makeTempDir, removeTempDir, testPassword } from '../testing/restic-cli';
import { resticOverSftp } from '../testing/restic-over-sftp';
import { type SshdServer, sshdPath, startSshd } from '../testing/sshd-server';
import { hostKeyFingerprint, knownHostKeys, SftpBackend } from './sftp-backend';

const options = { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } };
const haveSshd = existsSync(sshdPath);
if (!haveSshd) console.warn(`SFTP tests skipped: ${sshdPath} is missing (Debian package openssh-server)`);

let server: SshdServer;
let dir: string;

beforeAll(async () => {
  if (!haveSshd) return;
  server = await startSshd();
  dir = await makeTempDir('sftp');
});
afterAll(async () => {
  if (!haveSshd) return;
  await server.stop();
  await removeTempDir(dir);
});

async function backendAt(
  repoPath: string,
  extra: Partial<ConstructorParameters<typeof SftpBackend>[0]> = {},
) {
  return new SftpBackend({
    host: server.host,
    port: server.port,
    user: server.user,
    path: repoPath,
    privateKey: await readFile(server.clientKeyPath),
    knownHosts: await readFile(server.knownHostsPath, 'utf8'),
    ...extra,
  });
}

/** Every regular file below `dir`, with its size. */
async function filesUnder(dir: string): Promise<{ file: string; size: number }[]> {
  const found: { file: string; size: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      found.push({ file, size: (await stat(file)).size });
    }
  return found;
}

describe.runIf(haveSshd)('SFTP backend against a real sshd', () => {
  it('writes a repository restic checks over SFTP, and restores it equal to the source', async () => {
    const source = path.join(dir, 'source');
    await mkdir(path.join(source, 'etc'), { recursive: true });
    const files = new Map<string, Buffer>([
      ['etc/hostname', Buffer.from('machine\n')],
      ['big.bin', randomBytes(3_000_000)],
    ]);
    for (const [name, content] of files) await writeFile(path.join(source, name), content);
    const repoPath = path.join(server.dataDir, 'repo');
    const repo = await Repository.init(await backendAt(repoPath), testPassword, options);
    const summary = await backup(repo, { paths: [source], workers: 0 });
    expect(summary.filesNew).toBe(2);
    await repo.backend.close();

    const check = await resticOverSftp(server, repoPath, ['check', '--read-data']);
    expect(check.code, check.stderr + check.stdout).toBe(0);

    const reopened = await Repository.open(await backendAt(repoPath), testPassword);
    await reopened.loadIndex();
    const target = path.join(dir, 'restored');
    const restored = await restore(reopened, { source: summary.snapshot, target, workers: 0 });
    expect(restored.failures).toEqual([]);
    for (const [name, content] of files) {
      expect((await readFile(path.join(target, source, name))).equals(content)).toBe(true);
    }
    await reopened.backend.close();
  });

  it('restores what restic backed up over SFTP, equal to the source', async () => {
    const source = path.join(dir, 'source-restic');
    await mkdir(path.join(source, 'sub'), { recursive: true });
    const content = randomBytes(2_500_000);
    await writeFile(path.join(source, 'sub', 'data.bin'), content);
    await writeFile(path.join(source, 'note.txt'), 'written by restic\n');
    const repoPath = path.join(server.dataDir, 'repo-restic');
    const init = await resticOverSftp(server, repoPath, ['init', '--repository-version', '2']);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const made = await resticOverSftp(server, repoPath, ['backup', '--json', source]);
    expect(made.code, made.stderr).toBe(0);

    const repo = await Repository.open(await backendAt(repoPath), testPassword);
    await repo.loadIndex();
    const snapshots = [];
    for await (const file of repo.backend.list('snapshot')) snapshots.push(file.name);
    expect(snapshots).toHaveLength(1);
    const snapshot = await repo.loadSnapshot(snapshots[0] as string);
    const target = path.join(dir, 'restored-restic');
    const restored = await restore(repo, { source: snapshot, target, workers: 0 });
    expect(restored.failures).toEqual([]);
    expect((await readFile(path.join(target, source, 'sub', 'data.bin'))).equals(content)).toBe(true);
    expect(await readFile(path.join(target, source, 'note.txt'), 'utf8')).toBe('written by restic\n');
    await repo.backend.close();
  });

  it('server stopped mid-backup: REPO_UNREACHABLE; the next backup resumes without re-uploading, restic check passes', async () => {
    const source = path.join(dir, 'source-drop');
    await mkdir(source, { recursive: true });
    // Random data in several packs' worth (16 MiB packs): the server goes away after the second pack is stored.
    for (let i = 0; i < 5; i++) await writeFile(path.join(source, `part-${i}.bin`), randomBytes(9_000_000));
    const repoPath = path.join(server.dataDir, 'repo-drop');
    const backend = await backendAt(repoPath);
    const repo = await Repository.init(backend, testPassword, options);
    // Packs are streamed as drafts: the server goes away once the second one is committed.
    let packsStored = 0;
    const startFile = backend.startFile.bind(backend);
    backend.startFile = async (type) => {
      const draft = await startFile(type);
      return {
        ...draft,
        commit: async (file) => {
          await draft.commit(file);
          if (file.type === 'data' && ++packsStored === 2) await server.kill();
        },
      };
    };
    const failure = await backup(repo, { paths: [source], workers: 0 }).catch((e: unknown) => e);
    expect(isEngineError(failure, 'REPO_UNREACHABLE'), String(failure)).toBe(true);
    await backend.close();

    await server.restart();
    const again = await Repository.open(await backendAt(repoPath), testPassword);
    await again.loadIndex();
    const resumed = await backup(again, { paths: [source], workers: 0 });
    // The two packs stored before the drop are adopted, not uploaded again: less than 45 MB minus two packs.
    expect(resumed.bytesAdded).toBeLessThan(45_000_000 - 2 * 15_000_000);
    await again.backend.close();
    const check = await resticOverSftp(server, repoPath, ['check', '--read-data']);
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 120_000);

  it('leaves an interrupted draft to removeTemporaryFiles, which deletes it and nothing else', async () => {
    const backend = await backendAt(path.join(server.dataDir, 'repo-temp'));
    await backend.create();
    const kept = Buffer.from('{"packs":[]}');
    await backend.write({ type: 'index', name: idOf(kept) }, kept);
    const draft = await backend.startFile('data');
    await draft.append([Buffer.alloc(100_000, 1)]);
    // A crash now leaves the draft behind; a new connection (a new process) finds and removes it. (Appends are
    // pipelined: bytes still in flight when the connection closed may not have reached the file.)
    await backend.close();
    const later = await backendAt(path.join(server.dataDir, 'repo-temp'));
    // What reached the server's disk (the test runs on the server's machine) is what must be reported removed.
    const left = await filesUnder(path.join(server.dataDir, 'repo-temp', 'data'));
    expect(left).toHaveLength(1);
    const removed = await later.removeTemporaryFiles();
    expect(removed).toEqual({ files: 1, bytes: left[0]?.size });
    expect(removed.bytes).toBeLessThanOrEqual(100_000);
    expect(await filesUnder(path.join(server.dataDir, 'repo-temp', 'data'))).toEqual([]);
    expect(await later.removeTemporaryFiles()).toEqual({ files: 0, bytes: 0 });
    expect((await later.read({ type: 'index', name: idOf(kept) })).equals(kept)).toBe(true);
    await later.close();
  });

  it('lands many drafts written at once intact, and reads them back with requests in flight, whole and in ranges', async () => {
    const backend = await backendAt(path.join(server.dataDir, 'repo-concurrent'));
    await backend.create();
    // Eight packs at once, in pieces of sizes around the server's request limit (255 KiB), the caller's buffer
    // reused as soon as each append resolves.
    const files = await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        const draft = await backend.startFile('data');
        const pieces: Buffer[] = [];
        const reused = Buffer.alloc(600_000);
        for (let i = 0; i < 12; i++) {
          const piece = randomBytes(1 + ((n * 7919 + i * 104_729) % 600_000));
          piece.copy(reused);
          await draft.append([reused.subarray(0, piece.length)]);
          reused.fill(n);
          pieces.push(piece);
        }
        const whole = Buffer.concat(pieces);
        const file = { type: 'data' as const, name: idOf(whole) };
        await draft.commit(file);
        return { file, whole };
      }),
    );
    const listed = [];
    for await (const info of backend.list('data')) listed.push(info);
    expect(listed.map((info) => info.name).sort()).toEqual(files.map(({ file }) => file.name).sort());
    for (const { file, whole } of files) {
      expect((await backend.read(file)).equals(whole)).toBe(true);
      const into = Buffer.alloc(whole.length);
      const range = await backend.read(file, { offset: 12_345, length: whole.length - 20_000, into });
      expect(range.buffer).toBe(into.buffer); // in the caller's buffer
      expect(range.equals(whole.subarray(12_345, whole.length - 7_655))).toBe(true);
      expect((await backend.read(file, { offset: -300_000 })).equals(whole.subarray(-300_000))).toBe(true);
    }
    const past = await backend
      .read(files[0]?.file ?? { type: 'data', name: '' }, { offset: 1, length: 10_000_000 })
      .catch((e: unknown) => e);
    expect(isEngineError(past, 'CORRUPT'), String(past)).toBe(true);
    await backend.close();
  }, 60_000);

  it('server gone in the middle of pipelined writes: REPO_UNREACHABLE, and no file under a final name', async () => {
    const repoPath = path.join(server.dataDir, 'repo-drop-writes');
    const backend = await backendAt(repoPath);
    await backend.create();
    const whole = randomBytes(24 * 1024 * 1024);
    const file = { type: 'data' as const, name: idOf(whole) };
    const draft = await backend.startFile('data');
    await draft.append([whole.subarray(0, 1024 * 1024)]);
    // The rest is sent while the server goes away: requests are in flight when it does. (Its failure is caught at
    // once: it may come while the server is being stopped.)
    const rest = draft.append([whole.subarray(1024 * 1024)]).catch((e: unknown) => e);
    await server.kill();
    const failure = (await rest) ?? (await draft.commit(file).catch((e: unknown) => e));
    expect(isEngineError(failure, 'REPO_UNREACHABLE'), String(failure)).toBe(true);
    const written = backend.write({ type: 'index', name: idOf(whole) }, whole).catch((e: unknown) => e);
    expect(isEngineError(await written, 'REPO_UNREACHABLE'), String(await written)).toBe(true);
    await backend.close();

    await server.restart();
    const later = await backendAt(repoPath);
    expect(await later.stat(file).catch((e: unknown) => e)).toSatisfy((e) => isEngineError(e, 'NOT_FOUND'));
    expect(await later.stat({ type: 'index', name: idOf(whole) }).catch((e: unknown) => e)).toSatisfy((e) =>
      isEngineError(e, 'NOT_FOUND'),
    );
    const listed = [];
    for await (const info of later.list('data')) listed.push(info);
    expect(listed).toEqual([]);
    // What the draft had written is a temporary file, for removeTemporaryFiles.
    expect((await later.removeTemporaryFiles()).files).toBe(1);
    await later.close();
  }, 60_000);

  it('works with fewer SFTP channels when the server allows fewer sessions per connection', async () => {
    const strict = await startSshd({ config: ['MaxSessions 2'] });
    try {
      const backend = new SftpBackend({
        host: strict.host,
        port: strict.port,
        user: strict.user,
        path: path.join(strict.dataDir, 'repo'),
        privateKey: await readFile(strict.clientKeyPath),
        knownHosts: await readFile(strict.knownHostsPath, 'utf8'),
        channels: 4,
      });
      await backend.create();
      const contents = Array.from({ length: 6 }, () => randomBytes(700_000));
      await Promise.all(contents.map((bytes) => backend.write({ type: 'index', name: idOf(bytes) }, bytes)));
      for (const bytes of contents) {
        expect((await backend.read({ type: 'index', name: idOf(bytes) })).equals(bytes)).toBe(true);
      }
      await backend.close();
    } finally {
      await strict.stop();
    }
  });

  it('refuses a host key that is not the known one, naming the key it was shown', async () => {
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIBd3GAZiOSzH0rF8t8CvVQH7kqrdAUQzKY5Lr0s3ZmUf';
    const backend = await backendAt(path.join(server.dataDir, 'nothing'), {
      knownHosts: `[127.0.0.1]:${server.port} ssh-ed25519 ${other}\n`,
    });
    const error = await backend.exists().catch((e: unknown) => e);
    expect(isEngineError(error, 'HOST_KEY_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(server.hostKeyFingerprint);
    // Pinned by fingerprint instead: accepted.
    const pinned = await backendAt(path.join(server.dataDir, 'nothing'), {
      knownHosts: '',
      hostKeyFingerprints: [server.hostKeyFingerprint],
    });
    expect(await pinned.exists()).toBe(false);
    await pinned.close();
  });

  it('says AUTH_FAILED for a key the server refuses, REPO_UNREACHABLE for a server that is not there', async () => {
    const strangerKey = path.join(dir, 'stranger_key');
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', strangerKey]);
    const refused = await backendAt('/tmp/x', { privateKey: await readFile(strangerKey) });
    const refusal = await refused.exists().catch((e: unknown) => e);
    expect(isEngineError(refusal, 'AUTH_FAILED'), String(refusal)).toBe(true);
    const unreadable = await backendAt('/tmp/x', { privateKey: 'not a key' });
    const unreadableError = await unreadable.exists().catch((e: unknown) => e);
    expect(isEngineError(unreadableError, 'INVALID_ARGUMENT'), String(unreadableError)).toBe(true);
    const nowhere = new SftpBackend({
      host: '127.0.0.1',
      port: 1,
      user: server.user,
      path: '/tmp/x',
      privateKey: await readFile(server.clientKeyPath),
    });
    expect(isEngineError(await nowhere.exists().catch((e: unknown) => e), 'REPO_UNREACHABLE')).toBe(true);
  });
});

describe('known_hosts', () => {
  it('finds plain and hashed entries for a host and port, and fingerprints keys as OpenSSH does', () => {
    const key = Buffer.from('a key blob');
    const b64 = key.toString('base64');
    const { createHmac } = require('node:crypto') as typeof import('node:crypto');
    const salt = Buffer.from('0123456789abcdefghij');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[example.org]:2222').digest('base64')}`;
    const file = [
      `# comment`,
      `example.org ssh-ed25519 ${b64}`,
      `${hashed} ssh-ed25519 ${b64}`,
      '@revoked x y z',
    ].join('\n');
    expect(knownHostKeys(file, 'example.org', 22)).toEqual([key]);
    expect(knownHostKeys(file, 'example.org', 2222)).toEqual([key]);
    expect(knownHostKeys(file, 'other.org', 22)).toEqual([]);
    expect(hostKeyFingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
