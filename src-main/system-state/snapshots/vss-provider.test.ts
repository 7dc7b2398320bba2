import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import { powershellArgv } from '../platform/windows/powershell-command';
import { parseVssShadows } from '../platform/windows/vssadmin-shadows';
import { sweepOrphans } from './snapshot-provider';
import { createShadowScript, VssProvider } from './vss-provider';
import { placeShadowStorage, shadowStorageMaxSize } from './vss-shadow-storage';

const dir = new URL('../fixtures/windows/', import.meta.url);
const fixture = (name: string) => readFixture(dir, name);
const listShadows = ['vssadmin', 'list', 'shadows'] as const;
const shadowId = '{46DF9097-D123-4364-85A0-5FDBDBEB0B44}';
// Recorded on one WS2016 machine: the WMI Create, then `vssadmin list shadows` showing that very shadow copy.
const created = fixture('powershell-win32_shadowcopy-create.returnvalue-0-ws2016.txt');
const listedAfterCreate = fixture('vssadmin-list-shadows.after-wmi-create-ws2016.txt');
const otherShadows = fixture('vssadmin-list-shadows.for-e-two-sets-win10.txt');

let location: string;
beforeEach(async () => {
  location = await mkdtemp(path.join(tmpdir(), 'bm-vss-'));
});
afterEach(async () => {
  await rm(location, { recursive: true, force: true });
});

describe('vssadmin list shadows (recorded outputs)', () => {
  it('reads ids, original volumes and devices in English and French', () => {
    expect(parseVssShadows(listedAfterCreate)).toEqual([
      {
        id: shadowId.toLowerCase(),
        originalVolume: 'C:',
        device: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1',
      },
    ]);
    expect(parseVssShadows(otherShadows).map((s) => [s.originalVolume, s.device.split('\\').pop()])).toEqual([
      ['?', 'HarddiskVolumeShadowCopy9'],
      ['?', 'HarddiskVolumeShadowCopy10'],
    ]);
    expect(parseVssShadows(fixture('vssadmin-list-shadows.fr-FR-one-clientaccessible.txt'))).toEqual([
      {
        id: '{81c4df18-1af6-1b8c-b29d-04e981ed970c}',
        originalVolume: 'D:',
        device: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy41',
      },
    ]);
  });
});

describe('VssProvider (recorded outputs)', () => {
  it('creates through WMI, records the session in a ledger, reads the device path, deletes idempotently', async () => {
    const runner = new RecordedCommandRunner([
      { argv: powershellArgv(createShadowScript('c:')), answer: { exitCode: 0, stdout: created } },
      { argv: listShadows, answer: { exitCode: 0, stdout: listedAfterCreate } }, // after create
      { argv: listShadows, answer: { exitCode: 0, stdout: listedAfterCreate } }, // isAvailable
      { argv: listShadows, answer: { exitCode: 0, stdout: listedAfterCreate } }, // delete: still there
      {
        argv: ['vssadmin', 'delete', 'shadows', `/shadow=${shadowId}`, '/quiet'],
        answer: { exitCode: 0, stdout: fixture('vssadmin-delete-shadows.fr-FR-confirm.txt') },
      },
      { argv: listShadows, answer: { exitCode: 0, stdout: otherShadows } }, // isAvailable after delete
      { argv: listShadows, answer: { exitCode: 0, stdout: otherShadows } }, // second delete: nothing to do
    ]);
    const provider = new VssProvider(runner);
    const handle = await provider.create({ sessionId: 'win-1', source: 'c:', location });
    expect(handle).toMatchObject({
      provider: 'vss',
      id: shadowId,
      source: 'C:\\',
      path: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\',
    });
    expect((await provider.list(location)).map((h) => [h.sessionId, h.id])).toEqual([['win-1', shadowId]]);
    expect((await provider.isAvailable(handle)).available).toBe(true);
    await provider.delete(handle);
    expect((await provider.isAvailable(handle)).available).toBe(false);
    await provider.delete(handle);
    expect(await readdir(VssProvider.ledgerFolder(location))).toEqual([]);
    expect(runner.unused()).toEqual([]);
  });

  it('sweeps shadow copies whose session is not active, using the ledgers', async () => {
    const runner = new RecordedCommandRunner([
      { argv: powershellArgv(createShadowScript('C:\\')), answer: { exitCode: 0, stdout: created } },
      { argv: listShadows, answer: { exitCode: 0, stdout: listedAfterCreate } },
      { argv: listShadows, answer: { exitCode: 0, stdout: listedAfterCreate } },
      { argv: ['vssadmin', 'delete', 'shadows', `/shadow=${shadowId}`, '/quiet'], answer: { exitCode: 0 } },
    ]);
    const provider = new VssProvider(runner);
    await provider.create({ sessionId: 'crashed', source: 'C:\\', location });
    const swept = await sweepOrphans(provider, location, () => false);
    expect(swept.deleted.map((h) => h.sessionId)).toEqual(['crashed']);
    expect(await provider.list(location)).toEqual([]);
  });

  it('never puts an unchecked volume into the PowerShell command', async () => {
    const provider = new VssProvider(new RecordedCommandRunner([]));
    await expect(
      provider.create({ sessionId: 's', source: 'C:\\"); Remove-Item C:\\ -Recurse; ("', location }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('shadow copy storage on the snapshot location drive (recorded vssadmin outputs)', () => {
  const list = ['vssadmin', 'list', 'shadowstorage'] as const;
  const listed = fixture('vssadmin-list-shadowstorage.after-resize-4gb-10pct-ws2008.txt'); // C: on C:, max 4 GB

  it('sizes the storage from the estimate (at least 320 MB), unbounded without one', () => {
    expect(shadowStorageMaxSize(6 * 1024 ** 3)).toBe('9216MB');
    expect(shadowStorageMaxSize(1024)).toBe('320MB');
    expect(shadowStorageMaxSize(undefined)).toBe('UNBOUNDED');
  });

  it('grows an association already on the location drive, and leaves a big enough one alone', async () => {
    const runner = new RecordedCommandRunner([
      { argv: list, answer: { exitCode: 0, stdout: listed } },
      {
        argv: ['vssadmin', 'resize', 'shadowstorage', '/for=C:', '/on=C:', '/maxsize=9216MB'],
        answer: { exitCode: 0, stdout: fixture('vssadmin-resize-shadowstorage.success-4gb-ws2008.txt') },
      },
      { argv: list, answer: { exitCode: 0, stdout: listed } },
    ]);
    expect(await placeShadowStorage(runner, 'C:\\', 'C:', '9216MB')).toEqual([]);
    expect(await placeShadowStorage(runner, 'C:\\', 'C:', '2048MB')).toEqual([]);
    expect(runner.unused()).toEqual([]);
  });

  it('never moves an existing association (that would delete the shadow copies): a warning instead', async () => {
    const runner = new RecordedCommandRunner([{ argv: list, answer: { exitCode: 0, stdout: listed } }]);
    expect(await placeShadowStorage(runner, 'C:\\', 'D:', 'UNBOUNDED')).toEqual([
      'shadow copy storage of C: stays on C: (moving it to D: would delete the existing shadow copies of C:)',
    ]);
    expect(runner.calls.map((c) => c.argv.join(' '))).toEqual(['vssadmin list shadowstorage']);
  });

  it('adds an association for a volume that has none; a refused add is a warning, a silent vssadmin an error', async () => {
    const runner = new RecordedCommandRunner([
      { argv: list, answer: { exitCode: 0, stdout: listed } },
      // No real capture of `vssadmin add shadowstorage` exists (shared SOURCES.md, "Not found"): only the exit
      // status is given, which is all the code reads.
      {
        argv: ['vssadmin', 'add', 'shadowstorage', '/for=E:', '/on=D:', '/maxsize=320MB'],
        answer: { exitCode: 0 },
      },
      { argv: list, answer: { exitCode: 0, stdout: listed } },
      {
        argv: ['vssadmin', 'add', 'shadowstorage', '/for=E:', '/on=D:', '/maxsize=320MB'],
        answer: { exitCode: 2 },
      },
      { argv: list, answer: { missing: true } },
    ]);
    expect(await placeShadowStorage(runner, 'E:\\', 'D:', '320MB')).toEqual([]);
    expect(await placeShadowStorage(runner, 'E:\\', 'D:', '320MB')).toEqual([
      'shadow copy storage not changed (vssadmin add shadowstorage /for=E: /on=D: /maxsize=320MB: exit 2); VSS uses its default place',
    ]);
    await expect(placeShadowStorage(runner, 'E:\\', 'D:', '320MB')).rejects.toMatchObject({
      code: 'VSS_UNAVAILABLE',
    });
  });
});
