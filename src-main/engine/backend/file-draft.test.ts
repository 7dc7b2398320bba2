import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idOf } from '../ids';
import { codeOf, filesUnder, localBackendFactory } from '../testing/backend-testing';
import { type SshdServer, sshdPath, startSshd } from '../testing/sshd-server';
import { useTinyTmpfs } from '../testing/tiny-tmpfs';
import type { Backend, FileInfo } from './backend';
import { LocalBackend } from './local-backend';
import { MemoryBackend } from './memory-backend';
import { SftpBackend } from './sftp-backend';

async function names(iterable: AsyncIterable<FileInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const info of iterable) out.push(info.name);
  return out.sort();
}

const newLocal = localBackendFactory('file-draft');

/** SFTP drafts against one real sshd for this file (started on first use), each test in a directory of its own. */
let sshd: Promise<SshdServer> | null = null;
let sftpRepos = 0;
async function newSftp(): Promise<Backend> {
  sshd ??= startSshd();
  const server = await sshd;
  return new SftpBackend({
    host: server.host,
    port: server.port,
    user: server.user,
    path: path.join(server.dataDir, `repo-${++sftpRepos}`),
    privateKey: await readFile(server.clientKeyPath),
    knownHosts: await readFile(server.knownHostsPath, 'utf8'),
  });
}
afterAll(async () => {
  if (sshd !== null) await (await sshd).stop();
});

const backends: [string, () => Promise<Backend>][] = [
  ['LocalBackend', newLocal],
  ['MemoryBackend', async () => new MemoryBackend()],
];
if (existsSync(sshdPath)) backends.push(['SftpBackend', newSftp]);
else console.warn(`SftpBackend drafts skipped: ${sshdPath} is missing (openssh-server)`);

describe.each(backends)('%s drafts (startFile)', (_name, make: () => Promise<Backend>) => {
  it('appends pieces, is invisible until committed, then reads back exactly', async () => {
    const backend = await make();
    await backend.create();
    const pieces = [
      Buffer.from('first '),
      Buffer.alloc(3 * 1024 * 1024, 5),
      Buffer.alloc(0),
      Buffer.from('last'),
    ];
    const whole = Buffer.concat(pieces);
    const file = { type: 'data' as const, name: idOf(whole) };
    const draft = await backend.startFile?.('data');
    if (draft === undefined) throw new Error('the backend has no drafts');
    await draft.append(pieces.slice(0, 2));
    expect(await names(backend.list('data'))).toEqual([]);
    await draft.append(pieces.slice(2));
    expect(await codeOf(backend.stat(file))).toBe('NOT_FOUND');
    await draft.commit(file);
    expect(await names(backend.list('data'))).toEqual([file.name]);
    expect((await backend.read(file)).equals(whole)).toBe(true);
    // Used up: nothing more can be appended or committed.
    expect(await codeOf(draft.append([Buffer.from('x')]))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(draft.commit(file))).toBe('INVALID_ARGUMENT');
  });

  it('refuses a name of another type or not an ID, and stays usable; abort leaves nothing', async () => {
    const backend = await make();
    await backend.create();
    const draft = await backend.startFile?.('data');
    if (draft === undefined) throw new Error('the backend has no drafts');
    await draft.append([Buffer.from('bytes')]);
    expect(await codeOf(draft.commit({ type: 'index', name: idOf(Buffer.from('bytes')) }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(draft.commit({ type: 'data', name: '../config' }))).toBe('INVALID_ARGUMENT');
    await draft.append([Buffer.from(' more')]);
    await draft.abort();
    await draft.abort(); // twice is fine
    expect(await names(backend.list('data'))).toEqual([]);
    const other = await backend.startFile?.('index');
    const data = Buffer.from('{"packs":[]}');
    await other?.append([data]);
    await other?.commit({ type: 'index', name: idOf(data) });
    expect(await backend.read({ type: 'index', name: idOf(data) })).toEqual(data);
  });
});

describe('LocalBackend drafts on disk', () => {
  it('writes a read-only file at restic’s path and leaves no temporary file', async () => {
    const backend = await newLocal();
    await backend.create();
    const data = Buffer.from('a pack written piece by piece');
    const id = idOf(data);
    const draft = await backend.startFile('data');
    await draft.append([data.subarray(0, 5)]);
    const during = await filesUnder(backend.root);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^data\/[0-9a-f]{2}\/draft-tmp-[0-9a-f]{24}$/);
    await draft.append([data.subarray(5)]);
    await draft.commit({ type: 'data', name: id });
    const packPath = path.join(backend.root, 'data', id.slice(0, 2), id);
    expect(await readFile(packPath)).toEqual(data);
    expect((await stat(packPath)).mode & 0o777).toBe(0o400);
    expect(await filesUnder(backend.root)).toEqual([path.join('data', id.slice(0, 2), id)]);
  });

  it('leaves a crashed draft to removeTemporaryFiles, which deletes it', async () => {
    const backend = await newLocal();
    await backend.create();
    const draft = await backend.startFile('data');
    await draft.append([Buffer.alloc(1000, 1)]);
    // No commit, no abort: as after a crash. The listing does not see it; the cleanup does.
    expect(await names(backend.list('data'))).toEqual([]);
    expect(await backend.removeTemporaryFiles()).toEqual({ files: 1, bytes: 1000 });
    expect(await filesUnder(backend.root)).toEqual([]);
  });

  it('creates a missing data/xx directory for the draft and for its final name', async () => {
    const backend = await newLocal();
    // A repository made without the 256 data/ directories (as some tools do).
    await backend.create();
    execFileSync('rm', ['-rf', path.join(backend.root, 'data')]);
    const data = Buffer.from('late directories');
    const draft = await backend.startFile('data');
    await draft.append([data]);
    await draft.commit({ type: 'data', name: idOf(data) });
    expect(await backend.read({ type: 'data', name: idOf(data) })).toEqual(data);
  });

  it('reads into a given buffer (a view of it), and into its own buffer when the given one is too small', async () => {
    const backend = await newLocal();
    await backend.create();
    const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    const file = { type: 'data' as const, name: idOf(data) };
    await backend.write(file, data);
    const into = new Uint8Array(new ArrayBuffer(8192), 0, 1000);
    const read = await backend.read(file, { offset: 100, length: 1000, into });
    expect(read.buffer).toBe(into.buffer);
    expect(read.byteOffset).toBe(0);
    expect(read.equals(data.subarray(100, 1100))).toBe(true);
    const small = new Uint8Array(10);
    const own = await backend.read(file, { offset: 0, length: 100, into: small });
    expect(own.buffer).not.toBe(small.buffer);
    expect(own.equals(data.subarray(0, 100))).toBe(true);
    await backend.close();
  });
});

/** A real full filesystem: a 1 MiB tmpfs (needs root; skipped with a note otherwise). */
describe('LocalBackend drafts on a full filesystem', () => {
  const tmpfs = useTinyTmpfs('draft-full-fs');

  it('an append that does not fit fails with NO_SPACE, and abort removes the draft', async (ctx) => {
    if (!tmpfs.mounted) ctx.skip();
    const backend = new LocalBackend(path.join(tmpfs.mountPoint, 'repo'));
    await backend.create();
    const draft = await backend.startFile('data');
    await draft.append([Buffer.alloc(256 * 1024, 1)]);
    expect(await codeOf(draft.append([Buffer.alloc(2 * 1024 * 1024, 2)]))).toBe('NO_SPACE');
    await draft.abort();
    expect(await filesUnder(backend.root)).toEqual([]);
    await backend.close();
  });
});
