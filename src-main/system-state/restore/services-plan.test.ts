import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import type { ServicePlanEntry } from './restore-analysis-model';
import { enableServices, parseEnabledUnits, planServices } from './services-plan';

const recordedText = readFixture(
  new URL('./fixtures/linux/', import.meta.url),
  'systemctl-list-unit-files-state-enabled.debian12-vm.txt',
);
const recorded = parseEnabledUnits(recordedText);

/** Where each recorded unit's [Install] section puts it on Debian 12 (WantedBy=…). */
const wantedBy: Record<string, string> = {
  'avahi-daemon.service': 'multi-user.target',
  'blk-availability.service': 'sysinit.target',
  'e2scrub_reap.service': 'multi-user.target',
  'lvm2-monitor.service': 'sysinit.target',
  'mdadm-shutdown.service': 'sysinit.target',
  'postgresql.service': 'multi-user.target',
  'systemd-pstore.service': 'sysinit.target',
  'systemd-timesyncd.service': 'sysinit.target',
  'avahi-daemon.socket': 'sockets.target',
  'dm-event.socket': 'sockets.target',
  'lvm2-lvmpolld.socket': 'sysinit.target',
  'remote-fs.target': 'multi-user.target',
  'apt-daily-upgrade.timer': 'timers.target',
  'apt-daily.timer': 'timers.target',
  'dpkg-db-backup.timer': 'timers.target',
  'e2scrub_all.timer': 'timers.target',
  'fstrim.timer': 'timers.target',
  'man-db.timer': 'timers.target',
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'bm-units-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(relative: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), text);
}
async function link(relative: string, to: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await symlink(to, path.join(root, relative));
}
const unitText = (install: string) =>
  `[Unit]\nDescription=test unit\n\n[Service]\nExecStart=/bin/true\n\n[Install]\n${install}\n`;

/**
 * A restored Debian 12 tree like the machine the units were recorded on: merged /usr (lib -> usr/lib), unit files
 * in /usr/lib/systemd/system, enablement links as Debian writes them (absolute, to /lib/systemd/system/…).
 */
async function debianTarget(): Promise<void> {
  await mkdir(path.join(root, 'usr/lib/systemd/system'), { recursive: true });
  await symlink('usr/lib', path.join(root, 'lib'));
  for (const [unit, target] of Object.entries(wantedBy)) {
    if (unit === 'postgresql.service') continue; // its package is not installed in the target
    await file(`usr/lib/systemd/system/${unit}`, unitText(`WantedBy=${target}`));
    if (unit === 'fstrim.timer') continue; // installed but not enabled
    await link(`etc/systemd/system/${target}.wants/${unit}`, `/lib/systemd/system/${unit}`);
  }
  await file(
    'usr/lib/systemd/system/getty@.service',
    unitText('WantedBy=getty.target\nDefaultInstance=tty1'),
  );
  await link(
    'etc/systemd/system/getty.target.wants/getty@tty1.service',
    '/lib/systemd/system/getty@.service',
  );
  await link(
    'etc/systemd/system/dbus-org.freedesktop.Avahi.service',
    '/lib/systemd/system/avahi-daemon.service',
  );
}

describe('recorded enabled units (systemctl list-unit-files --state=enabled, recorded on Debian 12)', () => {
  it('reads unit and state, keeping only enabled units', () => {
    expect(recorded).toHaveLength(19);
    expect(recorded).toContain('getty@.service');
    expect(recorded).toContain('man-db.timer');
    // Without --state and --no-legend: other states, the legend and the footer are not units to enable.
    const unfiltered = [
      'UNIT FILE                          STATE           VENDOR PRESET',
      'ssh.service                        enabled         enabled',
      'sshd.service                       alias           -',
      'systemd-fsck@.service              static          -',
      'getty@.service                     enabled         enabled',
      'serial-getty@.service              disabled        enabled',
      'container-getty@.service           static          -',
      'apt-daily.timer                    masked          enabled',
      'runlevel1.target                   alias           -',
      'dev-disk-by\\x2duuid-1234.swap      generated       -',
      'old-style.service                  enabled',
      '',
      '9 unit files listed.',
    ].join('\n');
    expect(parseEnabledUnits(unfiltered)).toEqual(['ssh.service', 'getty@.service', 'old-style.service']);
  });

  it('refuses an enabled line whose unit is not a unit name (it would become a path and an argument)', () => {
    expect(() => parseEnabledUnits('../../etc/shadow enabled enabled\n')).toThrow(/line 1: not a unit name/);
    expect(() => parseEnabledUnits('--root=/ enabled enabled\n')).toThrow(/not a unit name/);
  });
});

describe('planServices on a restored tree', () => {
  it('finds unit files through merged /usr and enablement links (wants, templates, aliases)', async () => {
    await debianTarget();
    const plan = await planServices({ recordedEnabledUnits: recorded, targetRoot: root });
    const byUnit = Object.fromEntries(plan.map((e) => [e.unit, e]));
    expect(plan).toHaveLength(19);
    expect(byUnit['postgresql.service']).toMatchObject({ action: 'unit-missing' });
    expect(byUnit['postgresql.service']?.detail).toMatch(
      /package that provides it is probably not installed/,
    );
    expect(byUnit['fstrim.timer']).toMatchObject({ action: 'enable' });
    expect(byUnit['fstrim.timer']?.detail).toMatch(/unit file \/usr\/lib\/systemd\/system\/fstrim\.timer/);
    expect(byUnit['getty@.service']).toEqual({
      unit: 'getty@.service',
      action: 'already-enabled',
      detail: 'enabled by etc/systemd/system/getty.target.wants/getty@tty1.service',
    });
    expect(byUnit['avahi-daemon.service']?.detail).toBe(
      'enabled by etc/systemd/system/dbus-org.freedesktop.Avahi.service, etc/systemd/system/multi-user.target.wants/avahi-daemon.service',
    );
    expect(plan.filter((e) => e.action === 'already-enabled')).toHaveLength(17);
  });

  it('recognises alias-only enablement, masked units, template instances and custom units in /etc', async () => {
    await debianTarget();
    await file('usr/lib/systemd/system/gdm3.service', unitText('Alias=display-manager.service'));
    await link('etc/systemd/system/display-manager.service', '/lib/systemd/system/gdm3.service');
    await link('etc/systemd/system/man-db.timer', '/dev/null');
    await file('usr/lib/systemd/system/container-getty@.service', unitText('WantedBy=multi-user.target'));
    await file('etc/systemd/system/backup-agent.service', unitText('WantedBy=multi-user.target'));
    const plan = await planServices({
      recordedEnabledUnits: [
        'gdm3.service',
        'man-db.timer',
        'container-getty@1.service',
        'backup-agent.service',
      ],
      targetRoot: root,
    });
    expect(plan.map((e) => [e.unit, e.action])).toEqual([
      ['gdm3.service', 'already-enabled'],
      ['man-db.timer', 'unit-missing'],
      ['container-getty@1.service', 'enable'],
      ['backup-agent.service', 'enable'],
    ]);
    expect(plan[0]?.detail).toBe('enabled by etc/systemd/system/display-manager.service');
    expect(plan[1]?.detail).toMatch(/masked in the target .*unmask man-db\.timer/);
    expect(plan[2]?.detail).toMatch(/container-getty@\.service/);
  });

  it('stays inside the target when /etc/systemd/system is a link to / of this machine', async () => {
    await mkdir(path.join(root, 'etc/systemd'), { recursive: true });
    await symlink('/', path.join(root, 'etc/systemd/system'));
    // On this machine /lib/systemd/system/*.service exist; in the target, nothing does.
    const plan = await planServices({
      recordedEnabledUnits: ['systemd-timesyncd.service'],
      targetRoot: root,
    });
    expect(plan[0]?.action).toBe('unit-missing');
  });

  it('refuses names that are not units and relative roots, with codes', async () => {
    await expect(
      planServices({ recordedEnabledUnits: ['../x.service'], targetRoot: root }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(planServices({ recordedEnabledUnits: [], targetRoot: 'mnt/target' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

const systemctlInstalled = ['/usr/bin/systemctl', '/bin/systemctl'].some((p) => existsSync(p));

describe('enableServices', () => {
  it.runIf(systemctlInstalled)(
    'enables the planned units offline with the real systemctl --root (systemd need not run) and checks the links',
    async () => {
      await debianTarget();
      await file('usr/lib/systemd/system/container-getty@.service', unitText('WantedBy=multi-user.target'));
      await file(
        'usr/lib/systemd/system/helper-only.service',
        '[Unit]\nDescription=no install section\n\n[Service]\nExecStart=/bin/true\n',
      );
      const plan = await planServices({
        recordedEnabledUnits: [...recorded, 'container-getty@1.service', 'helper-only.service'],
        targetRoot: root,
      });
      expect(plan.filter((e) => e.action === 'enable').map((e) => e.unit)).toEqual([
        'fstrim.timer',
        'container-getty@1.service',
        'helper-only.service',
      ]);
      const results = await enableServices(plan, root, new ExecCommandRunner());
      expect(results.map((r) => [r.unit, r.ok])).toEqual([
        ['fstrim.timer', true],
        ['container-getty@1.service', true],
        ['helper-only.service', false],
      ]);
      expect(results[0]?.detail).toBe('enabled: etc/systemd/system/timers.target.wants/fstrim.timer');
      expect(results[2]?.detail).toMatch(/created no enablement link .*no \[Install\] section/);
      const created = path.join(root, 'etc/systemd/system/timers.target.wants/fstrim.timer');
      expect((await lstat(created)).isSymbolicLink()).toBe(true);
      // systemctl names the unit by the path it found first (/lib on merged /usr); either resolves in the target.
      expect(await readlink(created)).toMatch(/^\/(usr\/)?lib\/systemd\/system\/fstrim\.timer$/);
      // Planned again, the enabled units are now already enabled.
      const after = await planServices({ recordedEnabledUnits: ['fstrim.timer'], targetRoot: root });
      expect(after[0]?.action).toBe('already-enabled');
    },
  );

  it('runs systemctl only for the "enable" entries, and reports a missing systemctl per unit', async () => {
    const entries: ServicePlanEntry[] = [
      { unit: 'ssh.service', action: 'already-enabled', detail: '' },
      { unit: 'nginx.service', action: 'unit-missing', detail: '' },
      { unit: 'fstrim.timer', action: 'enable', detail: '' },
    ];
    const runner = new RecordedCommandRunner([
      { argv: ['systemctl', `--root=${root}`, 'enable', 'fstrim.timer'], answer: { missing: true } },
    ]);
    const results = await enableServices(entries, root, runner);
    expect(runner.calls).toHaveLength(1);
    expect(results).toEqual([
      {
        unit: 'fstrim.timer',
        ok: false,
        detail: `systemctl --root=${root} enable fstrim.timer: systemctl is not installed`,
      },
    ]);
    await expect(
      enableServices([{ unit: '-x.service', action: 'enable', detail: '' }], root, runner),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
