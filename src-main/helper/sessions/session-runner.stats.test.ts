/**
 * What the history lists for a session, from its summary alone: the backup phase's numbers are journaled and
 * announced when the phase ends, so a session that fails or is cancelled after it still shows what it added, and
 * each interruption and the final failure count as errors. Real journal, repository and engine; Files sessions of
 * a temporary folder (read live, no snapshot needed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionPhase } from '../../helper-protocol/session-model';
import { SessionError } from './session-failure';
import { createHarness, type Harness, problemsOf } from './testing/session-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

type Hook = (h: Harness, id: string, phase: SessionPhase, attempt: number) => Promise<void> | void;

/** A harness whose beforePhase hook is `hook`, with two files to back up. */
async function setup(hook: Hook, maxAttempts?: number): Promise<{ h: Harness; data: string }> {
  let h: Harness | undefined;
  const created = await createHarness({
    maxAttempts,
    hooks: {
      beforePhase: async (id, phase, attempt) => {
        if (h) await hook(h, id, phase, attempt);
      },
    },
  });
  h = created;
  harness = created;
  const data = path.join(created.dir, 'data');
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, 'a.txt'), 'alpha\n'.repeat(1000));
  await writeFile(path.join(data, 'b.txt'), 'beta\n'.repeat(1000));
  return { h: created, data };
}

describe('the numbers of a session in its summary', () => {
  it('are announced when the backup phase ends, before verify, and listed with the completed session', async () => {
    const statsAtVerify: unknown[] = [];
    const { h, data } = await setup((harness, id, phase) => {
      if (phase === 'verify') statsAtVerify.push(harness.journal.getSummary(id)?.stats);
    });
    const { session } = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status, problemsOf(h, ended.id)).toBe('completed');
    expect(statsAtVerify).toEqual([expect.objectContaining({ filesNew: 2, filesChanged: 0, warnings: 0 })]);
    const announced = h.changes.filter((s) => s.id === session.id);
    const firstWithStats = announced.findIndex((s) => s.stats !== null);
    expect(announced[firstWithStats]?.phase).toBe('backup');
    const listed = h.journal.listSessions()[0];
    expect(listed).toMatchObject({ id: session.id, interruptions: 0, errors: 0 });
    expect(listed?.stats).toMatchObject({ filesNew: 2, filesChanged: 0, filesUnmodified: 0, warnings: 0 });
    expect(listed?.stats?.bytesAdded).toBeGreaterThan(0);
  }, 60_000);

  it('stay on a session cancelled after its backup phase (Aborted: no error)', async () => {
    const { h, data } = await setup((harness, id, phase) => {
      if (phase === 'verify') harness.runner.cancel(id);
    });
    const { session } = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('aborted');
    expect(ended).toMatchObject({ interruptions: 0, errors: 0, stats: { filesNew: 2 } });
  }, 60_000);

  it('stay on a session that failed after its backup phase, with its one error', async () => {
    const { h, data } = await setup((_h, _id, phase) => {
      if (phase === 'verify')
        throw new SessionError('VERIFY_FAILED', 'the snapshot does not read back', { retryable: false });
    });
    const { session } = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('failed');
    expect(ended.failure?.code).toBe('VERIFY_FAILED');
    expect(ended).toMatchObject({ interruptions: 0, errors: 1, stats: { filesNew: 2 } });
    expect(h.journal.listSessions()[0]).toMatchObject({ errors: 1, stats: { filesNew: 2 } });
  }, 60_000);

  it('after a restart: the interruption is an error, the numbers are those of the latest backup', async () => {
    const { h, data } = await setup((_h, _id, phase, attempt) => {
      if (phase === 'verify' && attempt === 1)
        throw new SessionError('SNAPSHOT_UNAVAILABLE', 'the snapshot vanished', { retryable: true });
    }, 3);
    const { session } = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status, problemsOf(h, ended.id)).toBe('completed');
    expect(ended).toMatchObject({ attempt: 2, interruptions: 1, errors: 1 });
    // Attempt 1 saved the files; attempt 2 found them unchanged (its parent is attempt 1's snapshot).
    expect(ended.stats).toMatchObject({ filesNew: 0, filesChanged: 0, filesUnmodified: 2 });
    const waiting = h.changes.find((s) => s.id === session.id && s.status === 'interrupted');
    expect(waiting).toMatchObject({ interruptions: 1, errors: 1, stats: { filesNew: 2 } });
  }, 60_000);
});
