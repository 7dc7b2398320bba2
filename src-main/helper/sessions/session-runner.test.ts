import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restic } from '../../engine/testing/restic-cli';
import { sessionIdSchema } from '../../helper-protocol/session-model';
import { systemStateExportPath } from './session-runner';
import {
  createHarness,
  type Harness,
  phasesOf,
  resticCheck,
  succeeded,
  testRepositoryPassword,
} from './testing/session-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

/** Entries of a folder, [] when it does not exist. */
async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

function logText(h: Harness, id: string): string {
  return h.journal
    .getLog(id)
    .map((e) => `${e.level}: ${e.message}`)
    .join('\n');
}

describe('a System state session on this machine', () => {
  it('runs every phase, removes its snapshot and staging folder, and leaves a repository restic checks', async () => {
    const h = await createHarness();
    harness = h;
    const { session, created } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    expect(created).toBe(true);
    expect(sessionIdSchema.safeParse(session.id).success).toBe(true);
    expect(session.status).toBe('in-process');

    const ended = await h.runner.wait(session.id);
    expect(ended.status, logText(h, session.id)).toBe('completed');
    expect(ended.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(ended.paths).toContain('/etc');
    expect(ended.stats?.filesNew).toBeGreaterThan(100);
    expect(phasesOf(h, session.id)).toEqual([
      'queued',
      'preflight',
      'snapshot',
      'collect',
      'backup',
      'verify',
      'cleanup',
      'done',
    ]);
    const detail = h.journal.getSession(session.id);
    expect(detail?.attempts).toHaveLength(1);
    expect(detail?.attempts[0]?.snapshotRef).toBeNull();
    expect(await entries(path.join(h.location, 'backup-manager', 'snapshots'))).toEqual([]);
    expect(await entries(path.join(h.location, 'backup-manager', 'staging'))).toEqual([]);
    // The services check fails here (systemd is not PID 1) and is logged as a warning, not a block.
    expect(logText(h, session.id)).toMatch(/warning: Check .*\(services\): fail[\s\S]*Not blocking/);
    expect(h.runner.activeCount()).toBe(0);

    const check = await resticCheck(h);
    expect(check.code, check.output).toBe(0);
    const listing = await restic(['ls', '--json', 'latest'], {
      repo: h.repository,
      password: testRepositoryPassword,
    });
    const listed = listing.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { path?: string });
    const listedPaths = new Set(listed.map((entry) => entry.path));
    expect(listedPaths).toContain('/etc/hostname');
    expect(listedPaths).toContain(`${systemStateExportPath}/machine-manifest.json`);
    expect([...listedPaths].some((p) => p?.includes('backup-manager/snapshots'))).toBe(false);

    // The next session finds the first as its parent: the recorded paths are the same, not the copy's.
    const second = await h.runner.start({ source: 'system-state', trigger: 'schedule' });
    expect(second.created).toBe(true);
    const secondEnded = await h.runner.wait(second.session.id);
    expect(succeeded(secondEnded), logText(h, second.session.id)).toBe(true);
    const snapshots = await restic(['snapshots', '--json'], {
      repo: h.repository,
      password: testRepositoryPassword,
    });
    const parsed = JSON.parse(snapshots.stdout) as { id: string; parent?: string; tags?: string[] }[];
    const secondSnapshot = parsed.find((s) => s.id === secondEnded.snapshotId);
    expect(secondSnapshot?.parent).toBe(ended.snapshotId);
    expect(secondSnapshot?.tags).toEqual(['system-state']);
    // Nothing new to store: the copy has new inodes, but the content is deduplicated.
    expect(secondEnded.stats?.bytesAdded).toBeLessThan((ended.stats?.bytesAdded ?? 0) / 2);
  }, 60_000);
});

describe('progress of a session', () => {
  it('reaches the listener at most 10 times a second, and the backup phase ends with every byte done', async () => {
    const h = await createHarness();
    harness = h;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(succeeded(ended), logText(h, session.id)).toBe(true);

    const mine = h.progress.filter((p) => p.sessionId === session.id);
    expect(new Set(mine.map((p) => p.phase))).toEqual(
      new Set(['preflight', 'snapshot', 'collect', 'backup', 'verify']),
    );
    const backupPhase = mine.filter((p) => p.phase === 'backup');
    expect(backupPhase.length).toBeGreaterThanOrEqual(2);
    // Within a phase, values are held back to one per 90 ms window; only the final flush may come sooner.
    for (let i = 1; i < backupPhase.length - 1; i++) {
      const gap = (backupPhase[i]?.receivedAt ?? 0) - (backupPhase[i - 1]?.receivedAt ?? 0);
      expect(gap).toBeGreaterThanOrEqual(80);
    }
    const first = mine[0]?.receivedAt ?? 0;
    const seconds = ((mine.at(-1)?.receivedAt ?? 0) - first) / 1000;
    // One per phase change goes out at once, plus at most 10 a second within phases.
    expect(mine.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 6);
    const last = backupPhase.at(-1);
    expect(last?.bytesTotal).toBeGreaterThan(0);
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    expect(last?.filesDone).toBe(last?.filesTotal);
    expect(last?.attempt).toBe(1);
  }, 60_000);
});
