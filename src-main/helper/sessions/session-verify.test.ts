import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restic } from '../../engine/testing/restic-cli';
import {
  createHarness,
  type Harness,
  problemsOf,
  succeeded,
  testRepositoryPassword,
} from './testing/session-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function someFiles(h: Harness): Promise<string> {
  const data = path.join(h.dir, 'data');
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, 'a.txt'), 'alpha\n');
  await writeFile(path.join(data, 'b.txt'), `${'beta '.repeat(1000)}\n`);
  return data;
}

async function repositorySnapshots(h: Harness): Promise<{ id: string; tags?: string[] }[]> {
  const listed = await restic(['snapshots', '--json'], {
    repo: h.repository,
    password: testRepositoryPassword,
  });
  return JSON.parse(listed.stdout) as { id: string; tags?: string[] }[];
}

describe('verification', () => {
  it('fails the session VERIFY_FAILED when the new snapshot does not read back, keeping its id', async () => {
    const h = await createHarness({
      hooks: {
        beforePhase: async (_id, phase) => {
          // Storage loses the packs between the backup and its verification (a failing disk, a sync tool).
          if (phase !== 'verify') return;
          const dataDir = path.join(h.repository, 'data');
          for (const sub of await readdir(dataDir)) await rm(path.join(dataDir, sub), { recursive: true });
        },
      },
    });
    harness = h;
    const { session } = await h.runner.start({
      source: 'files',
      paths: [await someFiles(h)],
      trigger: 'manual',
    });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('failed');
    expect(ended.failure?.code).toBe('VERIFY_FAILED');
    expect(ended.failure?.check).toBe('repository');
    expect(ended.failure?.message).toMatch(/does not read back/);
    expect(ended.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.journal.getSession(session.id)?.attempts).toHaveLength(1);
  });
});

describe('retention', () => {
  it('forgets older snapshots of the same host and data source only', async () => {
    const h = await createHarness();
    harness = h;
    h.settings.retention = { keepLast: 1 };
    const data = await someFiles(h);
    const system = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    expect(succeeded(await h.runner.wait(system.session.id))).toBe(true);
    const first = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    expect((await h.runner.wait(first.session.id)).status).toBe('completed');
    await writeFile(path.join(data, 'c.txt'), 'gamma\n');
    const second = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    const ended = await h.runner.wait(second.session.id);
    expect(ended.status, problemsOf(h, ended.id)).toBe('completed');

    const left = await repositorySnapshots(h);
    expect(left.map((s) => s.tags?.[0]).sort()).toEqual(['files', 'system-state']);
    expect(left.find((s) => s.tags?.[0] === 'files')?.id).toBe(ended.snapshotId);
    const log = h.journal.getLog(second.session.id).map((e) => e.message);
    expect(log.some((m) => m.startsWith('Retention: removed 1 snapshots'))).toBe(true);
  }, 60_000);
});
