/**
 * Opened repositories of the restore wizard, on real repositories written by our engine: the handle, what opening
 * tells, the engine's refusals passed on with their codes, and the handle's life (close, idle expiry, the sweep
 * that drops an abandoned wizard's key without waiting for a request, closeAll).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { testRepositoryBackends } from '../repository/testing/test-backends';
import { rollbackTag } from './restore-catalog';
import { RestoreRepositories } from './restore-repositories';
import {
  createTestRepository,
  type TestRepository,
  testRepositoryPassword,
} from './testing/restore-test-repository';

let work = '';
let repo: TestRepository;
const minutes = (n: number) => n * 60_000;

beforeAll(async () => {
  work = await makeTempDir('restore-repositories');
  repo = await createTestRepository(work);
  const time = new Date('2026-11-01T02:00:00Z');
  await repo.addSession({ hostname: 'alpha', time, files: { '/etc/hostname': 'alpha\n' } });
  await repo.addSession({
    hostname: 'beta',
    time,
    files: { '/etc/hostname': 'beta\n' },
    tags: ['system-state', rollbackTag],
  });
  await repo.addSession({ hostname: 'alpha', time, files: { '/home/a/x': 'x' }, tags: ['files'] });
  await repo.repository.backend.close();
}, 60_000);

afterAll(() => removeTempDir(work));

let opened: RestoreRepositories[] = [];
const backends = testRepositoryBackends();
function repositories(
  options: Omit<ConstructorParameters<typeof RestoreRepositories>[0], 'openBackend'> = {},
): RestoreRepositories {
  const created = new RestoreRepositories({
    openBackend: (location, handedOver) => backends.open(location, handedOver),
    ...options,
  });
  opened.push(created);
  return created;
}
afterEach(() => {
  for (const r of opened) r.closeAll();
  opened = [];
});

describe('open', () => {
  it('opens with the password: a 32-hex handle, the repository id, the System state sessions of every machine', async () => {
    const restore = repositories();
    const info = await restore.open(repo.path, testRepositoryPassword);
    expect(info.handle).toMatch(/^[0-9a-f]{32}$/);
    expect(info).toMatchObject({
      repository: repo.path,
      repositoryId: repo.repository.config.id,
      // alpha's and beta's (a rollback backup is one too); the Files snapshot is not.
      systemStateSessions: 2,
    });
    const got = restore.get(info.handle);
    expect(got.path).toBe(repo.path);
    expect(got.handle).toBe(info.handle);
    // Ready to read: the index is loaded.
    expect(
      got.repository.index.lookup('tree', (await got.repository.listSnapshots())[0]?.snapshot.tree ?? ''),
    ).not.toHaveLength(0);
    // Each open is its own handle.
    const second = await restore.open(repo.path, testRepositoryPassword);
    expect(second.handle).not.toBe(info.handle);
    expect(restore.size).toBe(2);
  });

  it("passes the engine's refusals on with their codes: WRONG_PASSWORD, NOT_A_REPOSITORY, CORRUPT", async () => {
    const restore = repositories();
    await expect(restore.open(repo.path, 'not the password')).rejects.toMatchObject({
      name: 'EngineError',
      code: 'WRONG_PASSWORD',
    });
    const empty = path.join(work, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(restore.open(empty, testRepositoryPassword)).rejects.toMatchObject({
      code: 'NOT_A_REPOSITORY',
    });
    await expect(restore.open(path.join(work, 'missing'), testRepositoryPassword)).rejects.toMatchObject({
      code: 'NOT_A_REPOSITORY',
    });
    // A copy of the repository whose config is damaged (one byte flipped): the key opens, the config does not.
    const damaged = await createTestRepository(path.join(work, 'damaged'));
    await damaged.repository.backend.close();
    const config = path.join(damaged.path, 'config');
    const bytes = await readFile(config);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x01;
    await writeFile(config, bytes);
    await expect(restore.open(damaged.path, testRepositoryPassword)).rejects.toMatchObject({
      code: 'CORRUPT',
    });
    expect(restore.size).toBe(0);
  });

  it('refuses a relative path (INVALID_PARAMS): the helper does not resolve against its own working folder', async () => {
    await expect(repositories().open('repo', testRepositoryPassword)).rejects.toMatchObject({
      name: 'RestoreError',
      code: 'INVALID_PARAMS',
    });
  });
});

describe('handles', () => {
  it('refuses an unknown handle with RESTORE_HANDLE_UNKNOWN', () => {
    expect(() => repositories().get('0123456789abcdef0123456789abcdef')).toThrow(
      expect.objectContaining({ code: 'RESTORE_HANDLE_UNKNOWN' }),
    );
  });

  it('closes a handle once: later uses are RESTORE_HANDLE_UNKNOWN', async () => {
    const restore = repositories();
    const { handle } = await restore.open(repo.path, testRepositoryPassword);
    expect(restore.close(handle)).toBe(true);
    expect(restore.close(handle)).toBe(false);
    expect(() => restore.get(handle)).toThrow(expect.objectContaining({ code: 'RESTORE_HANDLE_UNKNOWN' }));
  });

  it('expires a handle after 30 idle minutes; every use restarts the idle time', async () => {
    let now = 0;
    const restore = repositories({ clock: () => now });
    const { handle } = await restore.open(repo.path, testRepositoryPassword);
    now = minutes(29);
    restore.get(handle);
    now = minutes(29 + 29);
    restore.get(handle);
    now = minutes(29 + 29 + 30);
    expect(() => restore.get(handle)).toThrow(expect.objectContaining({ code: 'RESTORE_HANDLE_UNKNOWN' }));
    expect(restore.size).toBe(0);
  });

  it('sweeps an idle handle without waiting for a request, and closes its backend', async () => {
    let now = 0;
    const restore = repositories({ clock: () => now, sweepIntervalMs: 5 });
    const { handle } = await restore.open(repo.path, testRepositoryPassword);
    const kept = await restore.open(repo.path, testRepositoryPassword);
    const close = vi.spyOn(restore.get(handle).repository.backend, 'close');
    now = minutes(20);
    restore.get(kept.handle);
    now = minutes(31);
    await vi.waitFor(() => expect(close).toHaveBeenCalled(), { timeout: 2000, interval: 5 });
    expect(restore.sweepExpired()).toBe(0); // the timer did it already
    expect(() => restore.get(handle)).toThrow(expect.objectContaining({ code: 'RESTORE_HANDLE_UNKNOWN' }));
    expect(restore.get(kept.handle).path).toBe(repo.path);
  });

  it('closeAll forgets every handle', async () => {
    const restore = repositories();
    const a = await restore.open(repo.path, testRepositoryPassword);
    const b = await restore.open(repo.path, testRepositoryPassword);
    restore.closeAll();
    for (const { handle } of [a, b])
      expect(() => restore.get(handle)).toThrow(expect.objectContaining({ code: 'RESTORE_HANDLE_UNKNOWN' }));
    expect(restore.size).toBe(0);
  });
});
