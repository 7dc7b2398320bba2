import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../../command-runner/exec-command-runner';
import { RecordedCommandRunner } from '../../command-runner/recorded-command-runner';
import { detectLinuxComponents } from './linux-components';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'bm-linuxroot-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('Linux component detection', () => {
  it('measures a system tree: configuration, dpkg inventory, boot files, Samba AD DC; absent roles stay undetected', async () => {
    await mkdir(path.join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
    await writeFile(path.join(root, 'etc/hostname'), 'replaced-host\n');
    await writeFile(path.join(root, 'etc/fstab'), 'UUID=1234 / ext4 defaults 0 1\n');
    await symlink(
      '/lib/systemd/system/ssh.service',
      path.join(root, 'etc/systemd/system/multi-user.target.wants/ssh.service'),
    );
    await mkdir(path.join(root, 'var/lib/dpkg'), { recursive: true });
    await writeFile(
      path.join(root, 'var/lib/dpkg/status'),
      'Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: deinstall ok config-files\n\nPackage: c\nStatus: install ok installed\n',
    );
    await mkdir(path.join(root, 'boot/grub'), { recursive: true });
    await writeFile(path.join(root, 'boot/vmlinuz-6.1.0'), Buffer.alloc(2048));
    await mkdir(path.join(root, 'var/lib/samba/private'), { recursive: true });
    await writeFile(path.join(root, 'var/lib/samba/private/sam.ldb'), Buffer.alloc(512));
    // Another tree than "/": no OS tool is run, so the runner has nothing recorded.
    const components = await detectLinuxComponents({ rootDir: root, runner: new RecordedCommandRunner([]) });
    const byId = Object.fromEntries(components.map((c) => [c.id, c]));
    expect(byId['linux.configuration']).toMatchObject({ detected: true, paths: ['/etc'] });
    expect(byId['linux.configuration']?.evidence).toContain(
      'systemd enablement: 1 unit links in /etc/systemd/system',
    );
    expect(byId['linux.configuration']?.estimate.files).toBe(3);
    expect(byId['linux.software-inventory']?.evidence[0]).toBe(
      'dpkg: 2 packages installed (/var/lib/dpkg/status)',
    );
    expect(byId['linux.boot']).toMatchObject({ detected: true, estimate: { bytes: 2048, files: 1 } });
    expect(byId['linux.disk-layout']).toMatchObject({ detected: true });
    expect(byId['linux.samba-ad-dc']).toMatchObject({ detected: true, paths: ['/var/lib/samba/private'] });
    expect(byId['linux.openldap']).toMatchObject({ detected: false, estimate: { bytes: 0, files: 0 } });
  });

  it('on this machine: /etc is found and the tools answer or are reported missing (real run)', async () => {
    const components = await detectLinuxComponents({ rootDir: '/', runner: new ExecCommandRunner() });
    const config = components.find((c) => c.id === 'linux.configuration');
    expect(config?.detected).toBe(true);
    expect(config?.estimate.files).toBeGreaterThan(10);
    const boot = components.find((c) => c.id === 'linux.boot');
    expect(boot?.evidence.some((e) => e.startsWith('efibootmgr: '))).toBe(true);
    const layout = components.find((c) => c.id === 'linux.disk-layout');
    expect(layout?.evidence.some((e) => /^lsblk: \d+ disk\(s\)/.test(e))).toBe(true);
  });
});
