/**
 * `backup-manager check` as built (out/main/cli.js, kept current by vitest's global setup), on a restic-made
 * repository before and after a byte inside a blob is flipped: exit codes as restic's, the human summary, and the
 * JSON summary with code CORRUPT, the errors and the affected snapshot and file.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildResticFixture,
  copyRepository,
  filesUsing,
  flipByte,
  packFile,
  type ResticFixture,
} from '../../engine/check/testing/check-fixture';
import { makeTempDir, removeTempDir, testPassword } from '../../engine/testing/restic-cli';

const cli = path.resolve(__dirname, '..', '..', '..', 'out', 'main', 'cli.js');
let work = '';
let fixture: ResticFixture;
let damaged = '';
let victim = { pack: '', blob: '' };

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    BACKUP_MANAGER_PASSWORD: testPassword,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function summaryOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}');
}

beforeAll(async () => {
  work = await makeTempDir('cli-check');
  fixture = await buildResticFixture(work);
  damaged = await copyRepository(fixture, 'damaged');
  const pack = fixture.dataPacks[0];
  const blob = pack?.blobs[0];
  if (pack === undefined || blob === undefined) throw new Error('no data pack');
  // Inside the blob whatever its size: restic orders blobs in a pack differently from run to run, and the first
  // may be a small one (notes.txt) that a fixed offset would overshoot into the next blob.
  await flipByte(packFile(damaged, pack.id), blob.offset + Math.floor(blob.length / 2));
  victim = { pack: pack.id, blob: blob.id };
}, 120_000);

afterAll(() => removeTempDir(work));

describe('backup-manager check', () => {
  it('a clean repository: exit 0, "no errors were found"; the JSON summary has no code', async () => {
    const human = await run(['check', '--repo', fixture.clean, '--read-data']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.trim().split('\n').at(-1)).toBe('no errors were found');
    expect(human.stdout).toMatch(/^checked 1 snapshot, 4 trees, \d+ packs, \d+ read; \d+ blobs verified in /);

    const json = await run(['check', '--repo', fixture.clean, '--json', '--read-data-subset', '1/1']);
    expect(json.code).toBe(0);
    const summary = summaryOf(json.stdout);
    expect(summary).toMatchObject({
      type: 'summary',
      errors: [],
      warnings: [],
      affected: [],
      snapshots_checked: 1,
    });
    expect(summary.code).toBeUndefined();
    const progress = json.stdout
      .trim()
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    expect(progress.every((line) => line.type === 'progress')).toBe(true);
  });

  it('a flipped byte: the structure check passes, --read-data exits 1 naming pack, blob, snapshot and file', async () => {
    const structure = await run(['check', '--repo', damaged]);
    expect(structure.code).toBe(0);

    const human = await run(['check', '--repo', damaged, '--read-data']);
    expect(human.code).toBe(1);
    const [file] = filesUsing(fixture, [victim.blob]);
    expect(human.stdout).toContain('errors:');
    expect(human.stdout).toContain(`data blob ${victim.blob} in pack ${victim.pack}`);
    expect(human.stdout).toContain(`pack ${victim.pack}: Pack ID does not match`);
    expect(human.stdout).toContain(`snapshot ${fixture.snapshotId.slice(0, 8)} of `);
    expect(human.stdout).toContain(`    ${file}\n`);
    expect(human.stdout.trim().split('\n').at(-1)).toBe('the repository contains 2 errors');

    const json = await run(['check', '--repo', damaged, '--read-data', '--json']);
    expect(json.code).toBe(1);
    const summary = summaryOf(json.stdout);
    expect(summary).toMatchObject({
      type: 'summary',
      code: 'CORRUPT',
      affected: [{ snapshot: fixture.snapshotId, paths: [file], path_count: 1 }],
    });
    expect(summary.errors).toContainEqual(
      expect.objectContaining({
        kind: 'blob-damaged',
        pack: victim.pack,
        blob: { type: 'data', id: victim.blob },
      }),
    );
  });

  it('refuses bad options with exit 2', async () => {
    const both = await run(['check', '--repo', fixture.clean, '--read-data', '--read-data-subset', '1/2']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /^backup-manager: USAGE: --read-data and --read-data-subset cannot be used together/,
    );
    const bad = await run(['check', '--repo', fixture.clean, '--read-data-subset', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^backup-manager: USAGE: read-data subset 3\/2/);
    const extra = await run(['check', '--repo', fixture.clean, 'latest']);
    expect(extra.code).toBe(2);
  });
});
