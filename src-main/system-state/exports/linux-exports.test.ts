import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import { collectLinuxManifest } from '../manifest/collect-linux-manifest';
import { machineManifestSchema } from '../manifest/machine-manifest';
import { parseDiskpartDisks } from '../platform/windows/diskpart';
import { linuxExportPlan } from './linux-export-plan';
import { runExports, stagingFolder, writeManifestFile } from './run-exports';
import { ntdsFilesFromShadow, windowsExportPlan } from './windows-export-plan';

let location: string;
beforeEach(async () => {
  location = await mkdtemp(path.join(tmpdir(), 'bm-exports-'));
});
afterEach(async () => {
  await rm(location, { recursive: true, force: true });
});

const runner = new ExecCommandRunner();

describe('Linux exports (real run on this machine)', () => {
  it('writes what the tools export into the staging folder; failures and missing tools become evidence', async () => {
    const staging = stagingFolder(location, 'sess-1');
    const steps = [
      ...linuxExportPlan({ disks: ['/dev/vda'], stagingDir: staging, packageManager: 'dpkg' }),
      {
        id: 'absent',
        componentId: 'linux.boot',
        argv: ['backup-manager-absent-tool'] as const,
        stdoutFile: 'boot/absent.txt',
      },
    ];
    const results = await runExports(runner, steps, staging);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId.lsblk?.outcome).toBe('written');
    expect(
      JSON.parse(await readFile(path.join(staging, 'disk-layout/lsblk.json'), 'utf8')).blockdevices.length,
    ).toBeGreaterThan(0);
    expect(byId['dpkg-selections']?.outcome).toBe('written');
    expect(await readFile(path.join(staging, 'software/dpkg-selections.txt'), 'utf8')).toMatch(
      /^\S+\s+install$/m,
    );
    expect(await readFile(path.join(staging, 'software/dpkg-versions.tsv'), 'utf8')).toMatch(
      /^dpkg\t\S+\t\S+$/m,
    );
    expect(byId['enabled-units']?.outcome).toBe('written');
    expect(byId.absent).toMatchObject({
      outcome: 'tool-missing',
      evidence: 'backup-manager-absent-tool: backup-manager-absent-tool is not installed',
    });
    for (const r of results) expect(['written', 'failed', 'tool-missing']).toContain(r.outcome);
    // Outcomes depend on the machine (no EFI, no VG, sfdisk refused on a whole-disk filesystem): each one says why.
    for (const r of results.filter((x) => x.outcome === 'failed')) expect(r.evidence).toMatch(/exit \d+/);
  });

  it('collects a machine manifest that the restore wizard schema accepts, and writes it to staging', async () => {
    const manifest = await collectLinuxManifest(runner);
    expect(machineManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest.os.family).toBe('linux');
    expect(manifest.disks.length).toBeGreaterThan(0);
    expect(manifest.networkInterfaces.some((n) => n.name === 'lo')).toBe(true);
    expect(['uefi', 'bios']).toContain(manifest.bootMode);
    const file = await writeManifestFile(stagingFolder(location, 'sess-1'), manifest);
    expect(machineManifestSchema.parse(JSON.parse(await readFile(file, 'utf8'))).hostname).toBe(
      manifest.hostname,
    );
  });
});

describe('Windows export plan', () => {
  it('saves the five hives with reg save, exports the BCD store, and lists the NTDS files to copy from the shadow', () => {
    const plan = windowsExportPlan('D:\\backup-manager\\staging\\s1');
    expect(plan.map((s) => s.argv)).toEqual([
      ['reg', 'save', 'HKLM\\SYSTEM', 'D:\\backup-manager\\staging\\s1\\registry\\SYSTEM', '/y'],
      ['reg', 'save', 'HKLM\\SOFTWARE', 'D:\\backup-manager\\staging\\s1\\registry\\SOFTWARE', '/y'],
      ['reg', 'save', 'HKLM\\SAM', 'D:\\backup-manager\\staging\\s1\\registry\\SAM', '/y'],
      ['reg', 'save', 'HKLM\\SECURITY', 'D:\\backup-manager\\staging\\s1\\registry\\SECURITY', '/y'],
      ['reg', 'save', 'HKU\\.DEFAULT', 'D:\\backup-manager\\staging\\s1\\registry\\DEFAULT', '/y'],
      ['bcdedit', '/export', 'D:\\backup-manager\\staging\\s1\\boot\\BCD'],
      ['bcdedit', '/enum', 'all', '/v'],
      ['diskpart'],
    ]);
    expect(plan.at(-1)).toMatchObject({
      id: 'diskpart-list-disk',
      componentId: 'windows.disk-layout',
      input: 'list disk\nexit\n',
      stdoutFile: 'disk-layout\\diskpart-list-disk.txt',
    });
    expect(ntdsFilesFromShadow('\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\')[0]).toEqual({
      from: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\NTDS\\ntds.dit',
      to: 'active-directory\\ntds.dit',
    });
    expect(() => windowsExportPlan('/tmp/x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('runs diskpart with its script on standard input and keeps what it printed (recorded diskpart output)', async () => {
    const recorded = readFixture(
      new URL('../fixtures/windows/', import.meta.url),
      'diskpart-list-disk.gpt-selected-win81.txt',
    );
    const runner = new RecordedCommandRunner([
      { argv: ['diskpart'], answer: { exitCode: 0, stdout: recorded } },
    ]);
    const step = windowsExportPlan('D:\\staging\\s1').filter((s) => s.id === 'diskpart-list-disk');
    // The staging folder is a local temporary one: only the step's input and output handling is under test.
    const [result] = await runExports(runner, step, location);
    expect(runner.calls).toEqual([{ argv: ['diskpart'], input: 'list disk\nexit\n', timeoutMs: 60_000 }]);
    expect(result).toMatchObject({ outcome: 'written', files: ['disk-layout\\diskpart-list-disk.txt'] });
    const written = await readFile(path.join(location, 'disk-layout\\diskpart-list-disk.txt'), 'utf8');
    expect(written).toBe(recorded);
    expect(parseDiskpartDisks(written)).toEqual([
      expect.objectContaining({ number: '0', gpt: true, dynamic: false }),
    ]);
  });
});
