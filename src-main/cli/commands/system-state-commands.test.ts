import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canUseLoopMounts, createLoopFilesystem } from '../../system-state/testing/loop-filesystem';
import { runCli } from '../cli-runner';
import { commands } from './index';

let configDir: string;
beforeEach(async () => {
  configDir = await mkdtemp(path.join(tmpdir(), 'bm-cli-config-'));
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

async function run(argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write: (chunk, _e, done) => {
        append(String(chunk));
        done();
      },
    });
  const code = await runCli(commands, {
    argv,
    env: { ...process.env, ...extraEnv, BACKUP_MANAGER_CONFIG_DIR: configDir },
    stdout: sink((s) => {
      stdout += s;
    }),
    stderr: sink((s) => {
      stderr += s;
    }),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('backup-manager system-state (real run on this machine)', () => {
  it('components --json has exactly the documented shape', async () => {
    const { code, stdout } = await run(['system-state', 'components', '--json']);
    expect(code).toBe(0);
    const { components } = JSON.parse(stdout) as { components: Record<string, unknown>[] };
    expect(components.map((c) => c.id)).toContain('linux.configuration');
    for (const c of components) {
      expect(Object.keys(c).sort()).toEqual(['detected', 'estimate', 'evidence', 'id', 'title']);
      expect(Object.keys(c.estimate as object).sort()).toEqual(['bytes', 'files']);
    }
    expect(components.find((c) => c.id === 'linux.configuration')?.detected).toBe(true);
  });

  it('preflight --json lists checks with exactly {id, status, code, title, evidence, fix}; a missing location fails', async () => {
    const { stdout } = await run(['system-state', 'preflight', '--json']);
    const { checks } = JSON.parse(stdout) as { checks: Record<string, unknown>[] };
    expect(checks.map((c) => c.id)).toEqual(['free-space', 'services', 'provider-health', 'mbr-2tb-limit']);
    for (const c of checks)
      expect(Object.keys(c).sort()).toEqual(['code', 'evidence', 'fix', 'id', 'status', 'title']);
    const elsewhere = await run([
      'system-state',
      'preflight',
      '--snapshot-location',
      '/nonexistent-bm-dir/x',
      '--json',
    ]);
    expect(elsewhere.code).toBe(1);
    expect(JSON.parse(elsewhere.stdout).checks[0]).toMatchObject({
      id: 'free-space',
      status: 'fail',
      code: 'INVALID_LOCATION',
    });
  });

  it('BACKUP_MANAGER_SYSTEM_ROOT points detection at another system tree', async () => {
    const tree = await mkdtemp(path.join(tmpdir(), 'bm-cli-root-'));
    try {
      await mkdir(path.join(tree, 'etc'));
      await writeFile(path.join(tree, 'etc', 'hostname'), 'old-machine\n');
      await mkdir(path.join(tree, 'etc/ldap/slapd.d'), { recursive: true });
      const { code, stdout } = await run(['system-state', 'components', '--json'], {
        BACKUP_MANAGER_SYSTEM_ROOT: tree,
      });
      expect(code).toBe(0);
      const byId = Object.fromEntries(
        (
          JSON.parse(stdout).components as { id: string; detected: boolean; estimate: { files: number } }[]
        ).map((c) => [c.id, c]),
      );
      expect(byId['linux.configuration']?.estimate.files).toBe(1); // the tree's /etc, not this machine's
      expect(byId['linux.openldap']?.detected).toBe(true);
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });

  it('estimate answers in JSON with the detected components', async () => {
    const estimate = JSON.parse((await run(['system-state', 'estimate', '--json'])).stdout);
    expect(estimate.estimate.bytes).toBeGreaterThan(0);
    expect(estimate.components.map((c: { id: string }) => c.id)).toContain('linux.configuration');
  });

  it('diagnose prints a report in text and JSON with planted secrets redacted', async () => {
    // The saved snapshot location is shown in the report and in the free-space evidence: a folder whose name
    // holds a secret environment value and a password pair plants both where the report would print them.
    const secret = 'hunter2-secret-value';
    const parent = await mkdtemp(path.join(tmpdir(), 'bm-cli-diag-'));
    const planted = path.join(parent, `${secret}-password=letmein`);
    await mkdir(planted);
    try {
      expect((await run(['snapshot-location', 'set', planted])).code).toBe(0);
      const env = { BM_TEST_PASSWORD: secret };
      const text = await run(['system-state', 'diagnose'], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('Backup Manager — diagnostic report');
      expect(text.stdout).toContain(`Snapshot location: ${parent}/[redacted]-password=[redacted] (settings)`);
      const json = await run(['system-state', 'diagnose', '--json'], env);
      const report = JSON.parse(json.stdout);
      expect(report.snapshot.location).toBe(`${parent}/[redacted]-password=[redacted]`);
      expect(report.checks.map((c: { id: string }) => c.id)).toContain('free-space');
      for (const output of [text.stdout, json.stdout]) {
        expect(output).not.toContain(secret);
        expect(output).not.toContain('letmein');
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe.runIf(canUseLoopMounts())(
  'backup-manager system-state preflight on a real, too small filesystem',
  () => {
    it('--snapshot-location on a full loop-mounted filesystem fails with INSUFFICIENT_SPACE, names a better drive, saves nothing', async () => {
      const small = await createLoopFilesystem('ext4', 8);
      try {
        await fill(small.mountPoint);
        const result = await run([
          'system-state',
          'preflight',
          '--snapshot-location',
          small.mountPoint,
          '--json',
        ]);
        expect(result.code).toBe(1);
        const freeSpace = JSON.parse(result.stdout).checks[0];
        expect(freeSpace).toMatchObject({ id: 'free-space', status: 'fail', code: 'INSUFFICIENT_SPACE' });
        const { candidates } = JSON.parse((await run(['snapshot-location', 'list', '--json'])).stdout) as {
          candidates: { path: string; freeBytes: number }[];
        };
        const best = candidates
          .filter((c) => c.path !== small.mountPoint)
          .sort((a, b) => b.freeBytes - a.freeBytes)[0];
        expect(best).toBeDefined();
        expect(freeSpace.fix).toContain(`backup-manager snapshot-location set ${best?.path}`);
        expect(JSON.parse((await run(['snapshot-location', 'get', '--json'])).stdout).source).toBe('default');
      } finally {
        await small.dispose();
      }
    });
  },
);

/** Writes 1 MiB chunks until the filesystem is full, so that its free space is below any estimate. */
async function fill(mountPoint: string): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  for (let i = 0; ; i++) {
    try {
      await writeFile(path.join(mountPoint, `fill-${i}`), chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
  }
}

describe('backup-manager snapshot-location', () => {
  it('get defaults to the system disk, set validates and saves into the config dir, list shows candidates', async () => {
    expect(JSON.parse((await run(['snapshot-location', 'get', '--json'])).stdout)).toEqual({
      location: '/',
      source: 'default',
    });
    const target = await mkdtemp(path.join(tmpdir(), 'bm-cli-location-'));
    try {
      expect((await run(['snapshot-location', 'set', target, '--json'])).code).toBe(0);
      expect(JSON.parse(await readFile(path.join(configDir, 'settings.json'), 'utf8'))).toEqual({
        snapshotLocation: target,
      });
      expect(JSON.parse((await run(['snapshot-location', 'get', '--json'])).stdout)).toEqual({
        location: target,
        source: 'settings',
      });
      const list = JSON.parse((await run(['snapshot-location', 'list', '--json'])).stdout);
      expect(list.current).toBe(target);
      expect(list.candidates[0]).toMatchObject({
        path: '/',
        isSystemDrive: true,
        snapshotData: { possible: true },
      });
    } finally {
      await rm(target, { recursive: true, force: true });
    }
    const refused = await run(['snapshot-location', 'set', '/nonexistent-bm-dir']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^backup-manager: INVALID_LOCATION: \/nonexistent-bm-dir: does not exist/);
    expect((await run(['snapshot-location', 'set'])).code).toBe(2);
  });
});
