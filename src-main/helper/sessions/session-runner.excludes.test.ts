import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restic } from '../../engine/testing/restic-cli';
import {
  createHarness,
  type Harness,
  problemsOf,
  testRepositoryPassword,
} from './testing/session-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

describe('a files session with exclude patterns', () => {
  it('writes a snapshot without the excluded entries and records the patterns on the session', async () => {
    const h = await createHarness();
    harness = h;
    const data = path.join(h.dir, 'data');
    await mkdir(path.join(data, 'nested'), { recursive: true });
    await writeFile(path.join(data, 'keep.txt'), 'keep\n');
    await writeFile(path.join(data, 'nested', 'scratch.tmp'), 'scratch\n');

    const { session } = await h.runner.start({
      source: 'files',
      paths: [data],
      excludes: ['*.tmp'],
      trigger: 'manual',
    });
    expect(session.excludes).toEqual(['*.tmp']);
    const ended = await h.runner.wait(session.id);
    expect(ended.status, problemsOf(h, ended.id)).toBe('completed');
    expect(h.journal.getSummary(session.id)?.excludes).toEqual(['*.tmp']);

    const listing = await restic(['ls', '--json', 'latest'], {
      repo: h.repository,
      password: testRepositoryPassword,
    });
    const listed = listing.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { path?: string }).path);
    expect(listed).toContain(path.join(data, 'keep.txt'));
    expect(listed).toContain(path.join(data, 'nested'));
    expect(listed).not.toContain(path.join(data, 'nested', 'scratch.tmp'));
  }, 60_000);

  it('refuses a malformed pattern before creating a session', async () => {
    const h = await createHarness();
    harness = h;
    const start = h.runner.start({ source: 'files', paths: [h.dir], excludes: ['[abc'], trigger: 'manual' });
    await expect(start).rejects.toMatchObject({ code: 'INVALID_EXCLUDE' });
    expect(h.journal.listSessions({})).toEqual([]);
  });

  it('records no excludes for a System state session', async () => {
    const h = await createHarness();
    harness = h;
    const { session } = await h.runner.start({
      source: 'system-state',
      excludes: ['*.tmp'],
      trigger: 'manual',
    });
    expect(session.excludes).toEqual([]);
    await h.runner.wait(session.id);
  }, 60_000);
});
