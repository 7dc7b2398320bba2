import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redact, secretValuesFrom } from '../diagnostics/redact';
import { listLinuxDrives, parseMountInfo } from './local-drives';
import { configDir, SettingsStore } from './settings-store';
import { listCandidates, validateLocation } from './snapshot-location';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-location-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings store', () => {
  it('uses BACKUP_MANAGER_CONFIG_DIR, keeps keys it does not own, and rejects a damaged file with a code', async () => {
    expect(configDir({ BACKUP_MANAGER_CONFIG_DIR: dir }, 'linux')).toBe(dir);
    expect(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/backup-manager');
    expect(configDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('Backup Manager');
    const store = new SettingsStore(path.join(dir, 'cfg'));
    expect(await store.read()).toEqual({});
    await mkdir(path.join(dir, 'cfg'));
    await writeFile(store.file, JSON.stringify({ schedule: { daily: '02:00' } }));
    await store.update({ snapshotLocation: '/data' });
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({
      schedule: { daily: '02:00' },
      snapshotLocation: '/data',
    });
    await writeFile(store.file, '{ not json');
    await expect(store.read()).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
  });
});

describe('snapshot location', () => {
  it('reads mountinfo, lists local drives with free space (real), and validates a choice with reasons', async () => {
    expect(parseMountInfo('36 35 98:0 / /mnt/my\\040disk rw,noatime - ext4 /dev/sdb1 rw\n')).toEqual([
      { mountPoint: '/mnt/my disk', fsType: 'ext4', device: '/dev/sdb1', readOnly: false },
    ]);
    const drives = await listLinuxDrives();
    const root = drives.find((d) => d.mountPoint === '/');
    expect(root?.freeBytes).toBeGreaterThan(0);
    expect(drives.some((d) => d.fsType === 'tmpfs' || d.fsType === 'proc')).toBe(false);
    const context = { drives, systemDrive: root, provider: 'temp-copy' as const, windows: false };
    expect(listCandidates(context)[0]).toMatchObject({
      path: '/',
      isSystemDrive: true,
      snapshotData: { possible: true },
    });
    expect(listCandidates({ ...context, provider: 'lvm' })[0]?.snapshotData.possible).toBe(false);
    expect((await validateLocation(dir, context, 1024)).path).toBe(dir);
    await expect(validateLocation('relative/path', context, 0)).rejects.toMatchObject({
      code: 'INVALID_LOCATION',
    });
    await expect(validateLocation(path.join(dir, 'missing'), context, 0)).rejects.toThrow('does not exist');
    await writeFile(path.join(dir, 'file'), 'x');
    await expect(validateLocation(path.join(dir, 'file'), context, 0)).rejects.toThrow('not a folder');
    const drive = { device: 'srv:/export', totalBytes: 1e12, freeBytes: 1e12, readOnly: false };
    const on = (fsType: string, readOnly = false) => ({
      ...context,
      drives: [...drives, { ...drive, mountPoint: dir, fsType, readOnly }],
    });
    await expect(validateLocation(dir, on('nfs4'), 0)).rejects.toMatchObject({
      code: 'INVALID_LOCATION',
      message: `${dir}: not on a local drive (snapshots must stay on this machine)`,
    });
    await expect(validateLocation(dir, on('ext4', true), 0)).rejects.toMatchObject({
      code: 'INVALID_LOCATION',
      message: `${dir}: ${dir} is mounted read-only`,
    });
    await expect(validateLocation(dir, context, Number.MAX_SAFE_INTEGER / 2)).rejects.toMatchObject({
      code: 'INSUFFICIENT_SPACE',
    });
    if (process.getuid?.() !== 0) {
      await chmod(dir, 0o500);
      await expect(validateLocation(dir, context, 0)).rejects.toThrow('not writable');
      await chmod(dir, 0o700);
    }
  });
});

describe('diagnostic redaction', () => {
  it('removes secret environment values, password pairs, bearer tokens, URL credentials and private keys', () => {
    const secrets = secretValuesFrom({
      RESTIC_PASSWORD: 'correct horse',
      AWS_SECRET_ACCESS_KEY: 'AKIAxyzsecret',
      PATH: '/usr/bin',
    });
    expect(secrets).toEqual(['correct horse', 'AKIAxyzsecret']);
    const text = redact(
      'pw correct horse; password=hunter2 token: abc Bearer eyJhbGciOi.x sftp://bob:pa55@host/repo -----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY----- /usr/bin',
      secrets,
    );
    expect(text).toBe(
      'pw [redacted]; password=[redacted] token: [redacted] Bearer [redacted] sftp://bob:[redacted]@host/repo [redacted private key] /usr/bin',
    );
  });
});
