import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addEstimates } from '../catalog/component';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import { listLinuxDrives } from '../location/local-drives';
import { listCandidates } from '../location/snapshot-location';
import { detectLinuxComponents } from '../platform/linux/linux-components';
import { parseSfdiskJson } from '../platform/linux/sfdisk-json';
import { parseDiskpartDisks } from '../platform/windows/diskpart';
import { TempCopyProvider } from '../snapshots/temp-copy-provider';
import { canUseLoopMounts, createLoopFilesystem } from '../testing/loop-filesystem';
import { freeSpaceCheck } from './free-space-check';
import { linuxMbrLimitCheck, windowsMbrLimitCheck } from './mbr-limit-check';
import { linuxServicesCheck, windowsServicesCheck } from './services-check';
import { evaluateShadowCopyDrives } from './shadow-copy-drives-check';
import { readBootId, snapshotAvailabilityCheck } from './snapshot-availability-check';
import { evaluateVssWriters } from './vss-writers-check';

const win = new URL('../fixtures/windows/', import.meta.url);
const fixture = (name: string) => readFixture(win, name);
const real = new ExecCommandRunner();

describe.runIf(canUseLoopMounts())(
  'free-space preflight against a real, too small loop-mounted filesystem',
  () => {
    it('fails with INSUFFICIENT_SPACE and names a better drive; passes on that drive', async () => {
      const work = await mkdtemp(path.join(tmpdir(), 'bm-free-'));
      const small = await createLoopFilesystem('ext4', 8);
      try {
        // A System state tree of ~12 MiB, measured for real by the component detection.
        await mkdir(path.join(work, 'etc/app'), { recursive: true });
        await writeFile(path.join(work, 'etc/app/data.bin'), Buffer.alloc(12 * 1024 * 1024, 1));
        const components = await detectLinuxComponents({ rootDir: work, runner: real });
        const estimate = addEstimates(components.filter((c) => c.detected).map((c) => c.estimate));
        expect(estimate.bytes).toBeGreaterThanOrEqual(12 * 1024 * 1024);
        const drives = await listLinuxDrives();
        const smallDrive = drives.find((d) => d.mountPoint === small.mountPoint);
        expect(smallDrive).toBeDefined();
        const candidates = listCandidates({
          drives,
          systemDrive: drives.find((d) => d.mountPoint === '/'),
          provider: 'temp-copy',
          windows: false,
        });
        const check = freeSpaceCheck({
          location: small.mountPoint,
          locationDrive: smallDrive!,
          estimateBytes: estimate.bytes,
          candidates,
        });
        expect(check).toMatchObject({ id: 'free-space', status: 'fail', code: 'INSUFFICIENT_SPACE' });
        const best = [...candidates].sort((a, b) => b.freeBytes - a.freeBytes)[0]!;
        expect(best.path).not.toBe(small.mountPoint);
        expect(check.fix).toContain(`Move the snapshot location to ${best.path}`);
        expect(check.fix).toContain(`backup-manager snapshot-location set ${best.path}`);
        const onBest = freeSpaceCheck({
          location: best.path,
          locationDrive: drives.find((d) => d.mountPoint === best.path)!,
          estimateBytes: estimate.bytes,
          candidates,
        });
        expect(onBest.status).toBe('pass');
      } finally {
        await small.dispose();
        await rm(work, { recursive: true, force: true });
      }
    });
  },
);

describe('free-space thresholds', () => {
  const drive = (freeBytes: number) => ({ mountPoint: '/data', freeBytes, fsType: 'ext4' });
  const other = {
    path: '/big',
    fsType: 'xfs',
    device: '/dev/sdb1',
    totalBytes: 10e12,
    freeBytes: 5e12,
    isSystemDrive: false,
    snapshotData: { possible: true, reason: '' },
  };
  it('passes at 1.5×, warns under 1.5× and fails under 1.1× the estimate', () => {
    const check = (free: number, candidates = [other]) =>
      freeSpaceCheck({ location: '/data', locationDrive: drive(free), estimateBytes: 1000, candidates });
    expect(check(1500).status).toBe('pass');
    expect(check(1499)).toMatchObject({ status: 'warn', code: 'LOW_FREE_SPACE' });
    expect(check(1100).status).toBe('warn');
    expect(check(1099)).toMatchObject({ status: 'fail', code: 'INSUFFICIENT_SPACE' });
    expect(check(1099, []).fix).toContain('Free at least');
  });
});

describe('services check', () => {
  it('Windows: VSS stopped and demand-start fails; CryptSvc running and automatic passes (recorded sc outputs)', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: ['sc', 'query', 'BackupServiceController'],
        answer: {
          exitCode: 0,
          stdout: fixture('sc-query-state-all.excerpt-cryptsvc-running-type30-win10-19045.txt').replace(
            /CryptSvc/,
            'BackupServiceController',
          ),
        },
      },
      {
        argv: ['sc', 'qc', 'BackupServiceController'],
        answer: {
          exitCode: 0,
          stdout: fixture('constructed-sc-qc-cryptsvc.auto-start.txt').replace(
            /CryptSvc/,
            'BackupServiceController',
          ),
        },
      },
      {
        argv: ['sc', 'query', 'CryptSvc'],
        answer: {
          exitCode: 0,
          stdout: fixture('sc-query.excerpt-cryptsvc-running-type20-trailing-spaces-ws2012r2.txt'),
        },
      },
      {
        argv: ['sc', 'qc', 'CryptSvc'],
        answer: { exitCode: 0, stdout: fixture('constructed-sc-qc-cryptsvc.auto-start.txt') },
      },
      {
        argv: ['sc', 'query', 'VSS'],
        answer: { exitCode: 0, stdout: fixture('sc-query-vss.stopped-htb-return-dc.txt') },
      },
      {
        argv: ['sc', 'qc', 'VSS'],
        answer: { exitCode: 0, stdout: fixture('sc-qc-vss.demand-start-default-htb-return-dc.txt') },
      },
    ]);
    const check = await windowsServicesCheck(runner);
    expect(check).toMatchObject({ id: 'services', status: 'fail', code: 'SERVICE_STOPPED' });
    expect(check.evidence).toEqual([
      'Backup Service Controller (BackupServiceController): RUNNING, start type AUTO_START',
      'Cryptographic Services (CryptSvc): RUNNING, start type AUTO_START',
      'Volume Shadow Copy (VSS): STOPPED, start type DEMAND_START',
    ]);
    expect(check.fix).toContain('sc config VSS start= auto then sc start VSS');
  });
  it('Windows: a service sc cannot find is SERVICE_NOT_INSTALLED', async () => {
    const runner = new RecordedCommandRunner([
      { argv: ['sc', 'query', 'BackupServiceController'], answer: { exitCode: 1060, stdout: '' } },
      {
        argv: ['sc', 'query', 'CryptSvc'],
        answer: {
          exitCode: 0,
          stdout: fixture('sc-query.excerpt-cryptsvc-running-type20-trailing-spaces-ws2012r2.txt'),
        },
      },
      {
        argv: ['sc', 'qc', 'CryptSvc'],
        answer: { exitCode: 0, stdout: fixture('constructed-sc-qc-cryptsvc.auto-start.txt') },
      },
      {
        argv: ['sc', 'query', 'VSS'],
        answer: {
          exitCode: 0,
          stdout: fixture('sc-query-state-all.excerpt-vss-stopped-1077-win10-19045.txt'),
        },
      },
      {
        argv: ['sc', 'qc', 'VSS'],
        answer: { exitCode: 0, stdout: fixture('sc-qc-vss.demand-start-default-htb-return-dc.txt') },
      },
    ]);
    const check = await windowsServicesCheck(runner);
    expect(check.code).toBe('SERVICE_NOT_INSTALLED');
    expect(check.evidence[2]).toContain('last exit code 1077');
  });
  it('Linux, on this machine (systemd is not PID 1 here): says so honestly and checks the helper unit files', async () => {
    const check = await linuxServicesCheck({ runner: real, provider: 'temp-copy' });
    expect(check.id).toBe('services');
    if (process.getuid?.() === 0 && !(await import('node:fs')).existsSync('/run/systemd/system')) {
      expect(check.evidence[0]).toContain('systemd is not running as PID 1');
      expect(check).toMatchObject({ status: 'fail', code: 'SERVICE_NOT_INSTALLED' }); // the helper unit is not installed here
    }
  });
});

describe('VSS writers check (recorded outputs)', () => {
  it('passes an all-Stable listing and fails on Waiting for completion, Failed, French-UI truncation or a vssadmin error', () => {
    expect(
      evaluateVssWriters(
        fixture('vssadmin-list-writers.all-stable-waiting-for-responses-preamble-exchange.txt'),
      ),
    ).toMatchObject({ status: 'pass', code: 'OK' });
    const waiting = evaluateVssWriters(
      fixture('vssadmin-list-writers.failed-8-hyperv-and-waiting-5-system-writer-ws2008.txt'),
    );
    expect(waiting).toMatchObject({ status: 'fail', code: 'VSS_WRITER_UNSTABLE' });
    expect(waiting.evidence[0]).toBe(
      "'System Writer' [5] Waiting for completion (instance {b1c47cec-0e12-4ac6-b84b-9c1d8292a9f3})",
    );
    const system9 = evaluateVssWriters(
      fixture('vssadmin-list-writers.failed-9-system-writer-ws2003-2008-guest.txt'),
    );
    expect(system9.evidence[0]).toContain("'System Writer' [9] Failed");
    expect(
      evaluateVssWriters(fixture('vssadmin-list-writers.failed-7-retryable-exchange.txt')).evidence[0],
    ).toBe(
      "'Microsoft Exchange Writer' [7] Failed, last error: Retryable error (instance {728c7e4c-d8fa-46cc-999d-e20573e08a08})",
    );
    expect(
      evaluateVssWriters(fixture('vssadmin-list-writers.failed-11-ntds-non-retryable-excerpt-msdocs.txt'))
        .code,
    ).toBe('VSS_WRITER_UNSTABLE');
    const french = evaluateVssWriters(fixture('vssadmin-list-writers.fr-FR-stable-partial.txt'));
    expect(french).toMatchObject({ status: 'fail', code: 'VSS_WRITER_MISSING' }); // cut before the Registry Writer
    expect(
      evaluateVssWriters(
        fixture('vssadmin-list-writers.failed-8-system-asr-sql-ws2008-html-flattened-truncated.txt'),
      ).code,
    ).toBe('VSS_WRITER_UNSTABLE');
    expect(
      evaluateVssWriters(
        fixture('vssadmin-list-writers.error-unexpected-component-error-timestamp-prefixed.txt'),
      ),
    ).toMatchObject({
      status: 'fail',
      code: 'VSS_UNAVAILABLE',
      evidence: ['vssadmin: A Volume Shadow Copy Service component encountered an unexpected error.'],
    });
  });
});

describe('Shadow Copy on all drives (Windows Server, recorded outputs)', () => {
  const drive = (letter: string, fsType = 'NTFS') => ({
    mountPoint: `${letter}:\\`,
    device: '',
    fsType,
    totalBytes: 1,
    freeBytes: 1,
    readOnly: false,
  });
  it('fails for an NTFS drive without association and passes when all have one', () => {
    const output = fixture('vssadmin-list-shadowstorage.vista-no-percent-html-flattened.txt');
    expect(evaluateShadowCopyDrives(output, [drive('C'), drive('V')]).status).toBe('pass');
    const missing = evaluateShadowCopyDrives(output, [drive('C'), drive('D'), drive('E', 'FAT32')]);
    expect(missing).toMatchObject({ status: 'fail', code: 'SHADOW_COPY_DISABLED' });
    expect(missing.fix).toContain('vssadmin add shadowstorage /for=D: /on=D: /maxsize=10%');
  });
});

describe('2 TB rule', () => {
  it('Windows: MBR dynamic disks within 2 TB pass (recorded diskpart); GPT dynamic disks are not limited', () => {
    expect(
      windowsMbrLimitCheck(
        parseDiskpartDisks(
          fixture('diskpart-list-disk-and-volume.dynamic-mbr-mirror-missing-m0-failed-rd-ovh.txt'),
        ),
      ),
    ).toMatchObject({ status: 'pass', code: 'OK' });
    expect(
      windowsMbrLimitCheck(
        parseDiskpartDisks(
          fixture('diskpart-list-volume-disk-detail.dynamic-gpt-simple-7tb-raid-md-indented.txt'),
        ),
      ).status,
    ).toBe('pass');
    const big = { number: '2', status: 'Online', sizeBytes: 3 * 1024 ** 4, dynamic: true, gpt: false };
    expect(windowsMbrLimitCheck([{ ...big, freeBytes: 0.5 * 1024 ** 4 }])).toMatchObject({
      status: 'fail',
      code: 'MBR_OVER_2TB',
    });
    expect(windowsMbrLimitCheck([{ ...big, freeBytes: 1.5 * 1024 ** 4 }]).status).toBe('warn');
  });

  it.runIf(canUseLoopMounts())(
    'Linux: real sfdisk tables on sparse 3 TiB disks — LVM/md spanning past 2 TiB fails, within passes',
    async () => {
      const work = await mkdtemp(path.join(tmpdir(), 'bm-mbr-'));
      const loops: string[] = [];
      try {
        // 4096-byte sectors (a loop device with --sector-size) let an MBR table address up to 16 TiB: the case
        // the rule exists for. With 512-byte sectors sfdisk itself refuses to go past 2 TiB.
        const table = async (name: string, script: string, sectorSize: 512 | 4096) => {
          const image = path.join(work, name);
          await real.run({ argv: ['truncate', '-s', '3T', image] });
          const loop = await real.run({
            argv: ['losetup', '--find', '--show', '--sector-size', String(sectorSize), image],
          });
          expect(loop).toMatchObject({ kind: 'exited', exitCode: 0 });
          const device = loop.kind === 'exited' ? loop.stdout.trim() : '';
          loops.push(device);
          const written = await real.run({
            argv: ['sfdisk', '--quiet', '--no-reread', device],
            input: script,
          });
          expect(written).toMatchObject({ kind: 'exited', exitCode: 0 });
          const json = await real.run({ argv: ['sfdisk', '--json', device] });
          return { device, table: parseSfdiskJson(json.kind === 'exited' ? json.stdout : '') };
        };
        const within = await table('within.img', 'label: dos\n,1T,8e\n,100M,83\n', 512);
        const beyond = await table('beyond.img', 'label: dos\n,1900G,8e\n,1T,fd\n', 4096);
        const gpt = await table('gpt.img', 'label: gpt\n,2500G,E6D6D379-F507-44C2-A23C-238F2A3DF928\n', 512);
        expect(
          linuxMbrLimitCheck([{ disk: within.device, table: within.table, lvmOrMdPartitions: [] }]).status,
        ).toBe('pass');
        const fail = linuxMbrLimitCheck([
          { disk: beyond.device, table: beyond.table, lvmOrMdPartitions: [] },
        ]);
        expect(fail).toMatchObject({ status: 'fail', code: 'MBR_OVER_2TB' });
        expect(fail.evidence[0]).toMatch(
          /MBR with LVM\/md on .*p1, .*p2; partitions end at 2\.9 TiB \(4096-byte sectors\)/,
        );
        expect(
          linuxMbrLimitCheck([{ disk: gpt.device, table: gpt.table, lvmOrMdPartitions: [] }]).status,
        ).toBe('pass');
      } finally {
        for (const loop of loops) await real.run({ argv: ['losetup', '--detach', loop] });
        await rm(work, { recursive: true, force: true });
      }
    },
  );
});

describe('snapshot availability after creation', () => {
  it('passes while the snapshot exists and the boot id is unchanged; fails after deletion or a reboot', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'bm-avail-'));
    try {
      await mkdir(path.join(work, 'sys/etc'), { recursive: true });
      const provider = new TempCopyProvider();
      const handle = await provider.create({
        sessionId: 'a1',
        source: path.join(work, 'sys'),
        location: work,
        paths: ['/etc'],
      });
      const boot = await readBootId();
      expect(boot).toMatch(/^[0-9a-f-]{36}$/);
      expect(await snapshotAvailabilityCheck(provider, handle, boot, await readBootId())).toMatchObject({
        status: 'pass',
      });
      const rebooted = await snapshotAvailabilityCheck(
        provider,
        handle,
        '00000000-0000-0000-0000-000000000000',
        boot,
      );
      expect(rebooted).toMatchObject({ status: 'fail', code: 'SNAPSHOT_UNAVAILABLE' });
      expect(rebooted.evidence[0]).toContain('restarted');
      await provider.delete(handle);
      expect(await snapshotAvailabilityCheck(provider, handle, boot, boot)).toMatchObject({
        status: 'fail',
        code: 'SNAPSHOT_UNAVAILABLE',
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
