import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restic } from '../../engine/testing/restic-cli';
import {
  createHarness,
  type Harness,
  phasesOf,
  problemsOf,
  resticCheck,
  succeeded,
  testRepositoryPassword,
} from './testing/session-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

async function repositorySnapshots(h: Harness): Promise<{ id: string; tags?: string[]; paths: string[] }[]> {
  const listed = await restic(['snapshots', '--json'], {
    repo: h.repository,
    password: testRepositoryPassword,
  });
  return JSON.parse(listed.stdout) as { id: string; tags?: string[]; paths: string[] }[];
}

describe('starting sessions', () => {
  it('makes one session of two starts for the same data source, while a files session runs beside it', async () => {
    const h = await createHarness();
    harness = h;
    const data = path.join(h.dir, 'data');
    await mkdir(path.join(data, 'nested'), { recursive: true });
    await writeFile(path.join(data, 'a.txt'), 'alpha\n');
    await writeFile(path.join(data, 'nested', 'b.txt'), 'beta\n');

    const [one, two] = await Promise.all([
      h.runner.start({ source: 'system-state', trigger: 'manual' }),
      h.runner.start({ source: 'system-state', trigger: 'schedule' }),
    ]);
    expect([one.created, two.created].sort()).toEqual([false, true]);
    expect(two.session.id).toBe(one.session.id);
    const files = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    expect(files.created).toBe(true);
    expect(files.session.id).not.toBe(one.session.id);
    expect(h.runner.activeCount()).toBe(2);

    const [systemEnded, filesEnded] = await Promise.all([
      h.runner.wait(one.session.id),
      h.runner.wait(files.session.id),
    ]);
    expect(succeeded(systemEnded), problemsOf(h, systemEnded.id)).toBe(true);
    expect(filesEnded.status).toBe('completed');
    expect(filesEnded.stats?.filesNew).toBe(2);
    // Files sessions have no snapshot here (ext4) and nothing to collect.
    expect(phasesOf(h, files.session.id)).toEqual([
      'queued',
      'preflight',
      'backup',
      'verify',
      'cleanup',
      'done',
    ]);
    expect(h.journal.getLog(files.session.id).map((e) => e.message)).toContain(
      'No snapshot technology for these paths: files are read live',
    );
    const snapshots = await repositorySnapshots(h);
    expect(snapshots.map((s) => s.tags?.[0]).sort()).toEqual(['files', 'system-state']);
    expect(snapshots.find((s) => s.tags?.[0] === 'files')?.paths).toEqual([data]);
    expect(h.journal.listSessions()).toHaveLength(2);
  }, 60_000);

  it('ends a files session without paths as No selection, and one with a missing path as Failed', async () => {
    const h = await createHarness();
    harness = h;
    const empty = await h.runner.start({ source: 'files', paths: [], trigger: 'manual' });
    expect((await h.runner.wait(empty.session.id)).status).toBe('no-selection');
    const missing = path.join(h.dir, 'does-not-exist');
    const bad = await h.runner.start({ source: 'files', paths: [missing], trigger: 'manual' });
    const ended = await h.runner.wait(bad.session.id);
    expect(ended.status).toBe('failed');
    expect(ended.failure?.code).toBe('SOURCE_UNREADABLE');
    expect(ended.failure?.message).toContain(missing);
    expect(h.journal.getSession(bad.session.id)?.attempts).toHaveLength(1);
  });

  it('refuses to start without a repository, saying where to set it', async () => {
    const h = await createHarness();
    harness = h;
    h.settings.repository = null;
    await expect(h.runner.start({ source: 'system-state', trigger: 'manual' })).rejects.toMatchObject({
      code: 'REPO_UNREACHABLE',
      message: expect.stringContaining('helper-settings set --repo'),
    });
    expect(h.journal.listSessions()).toEqual([]);
  });
});

describe('a wrong password', () => {
  it('fails the session WRONG_PASSWORD naming the repository check, without a restart or a snapshot', async () => {
    const h = await createHarness();
    harness = h;
    const { session } = await h.runner.start({
      source: 'system-state',
      password: 'not the password',
      trigger: 'manual',
    });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('failed');
    expect(ended.failure?.code).toBe('WRONG_PASSWORD');
    expect(ended.failure?.check).toBe('repository');
    expect(h.journal.getSession(session.id)?.attempts).toHaveLength(1);
    expect(phasesOf(h, session.id)).toEqual(['queued', 'preflight', 'cleanup', 'done']);
    expect(await entries(path.join(h.location, 'backup-manager', 'snapshots'))).toEqual([]);
  });
});

describe('no password anywhere', () => {
  it('refuses a manual start at once, creating no session', async () => {
    const h = await createHarness({ noHelperPassword: true });
    harness = h;
    await expect(h.runner.start({ source: 'system-state', trigger: 'manual' })).rejects.toMatchObject({
      code: 'PASSWORD_REQUIRED',
      message: expect.stringContaining('password file'),
    });
    expect(h.journal.listSessions()).toEqual([]);
  });

  it('records a scheduled start that ends Failed PASSWORD_REQUIRED, so the miss is visible', async () => {
    const h = await createHarness({ noHelperPassword: true });
    harness = h;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'schedule' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('failed');
    expect(ended.failure).toMatchObject({ code: 'PASSWORD_REQUIRED', check: 'repository' });
  });
});

describe('cancel', () => {
  it('aborts a session during its backup, then deletes the snapshot and the staging folder', async () => {
    let runner: Harness['runner'] | undefined;
    const h = await createHarness({
      hooks: {
        beforePhase: async (id, phase) => {
          if (phase === 'backup') runner?.cancel(id);
        },
      },
    });
    harness = h;
    runner = h.runner;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('aborted');
    expect(ended.failure?.code).toBe('CANCELLED');
    expect(phasesOf(h, session.id).slice(-4)).toEqual(['collect', 'backup', 'cleanup', 'done']);
    expect(await entries(path.join(h.location, 'backup-manager', 'snapshots'))).toEqual([]);
    expect(await entries(path.join(h.location, 'backup-manager', 'staging'))).toEqual([]);
    expect(h.journal.getSession(session.id)?.attempts[0]?.snapshotRef).toBeNull();
    expect(await repositorySnapshots(h)).toEqual([]);
    const check = await resticCheck(h, false);
    expect(check.code, check.output).toBe(0);
    // Cancelling a session that ended changes nothing.
    expect(h.runner.cancel(session.id).status).toBe('aborted');
  });
});
