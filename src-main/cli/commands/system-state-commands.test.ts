import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli-runner';
import { commands } from './index';

let configDir: string;
beforeEach(async () => {
  configDir = await mkdtemp(path.join(tmpdir(), 'bm-cli-config-'));
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

async function run(argv: string[]) {
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
    env: { ...process.env, BACKUP_MANAGER_CONFIG_DIR: configDir },
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

  it('estimate and diagnose answer in JSON and text without secrets', async () => {
    const estimate = JSON.parse((await run(['system-state', 'estimate', '--json'])).stdout);
    expect(estimate.estimate.bytes).toBeGreaterThan(0);
    process.env.BM_TEST_PASSWORD = 'hunter2-secret-value';
    try {
      const text = await run(['system-state', 'diagnose']);
      expect(text.stdout).toContain('Backup Manager — diagnostic report');
      expect(text.stdout).not.toContain('hunter2-secret-value');
    } finally {
      delete process.env.BM_TEST_PASSWORD;
    }
  });
});

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
