import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLinkInTarget, resolveInTarget } from './target-path';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'bm-inroot-'));
  await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
  await writeFile(path.join(root, 'usr/sbin/tool'), '#!/bin/sh\n', { mode: 0o755 });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resolveInTarget: links resolved as the target sees them (as if chroot-ed)', () => {
  it('follows relative and absolute links inside the target and reports both paths', async () => {
    await symlink('usr/sbin', path.join(root, 'sbin'));
    await symlink('/usr/sbin/tool', path.join(root, 'usr/sbin/alias'));
    expect(await resolveInTarget(root, 'sbin/alias')).toEqual({
      inTarget: '/usr/sbin/tool',
      onHost: path.join(root, 'usr/sbin/tool'),
      kind: 'file',
      executable: true,
    });
    expect((await resolveInTarget(root, '/usr/sbin'))?.kind).toBe('directory');
  });

  it('clamps .. and absolute links at the target root, so that nothing outside is ever reached', async () => {
    await symlink('../../../../../../etc', path.join(root, 'up'));
    await symlink('/', path.join(root, 'usr/sbin/rootlink'));
    // /etc/passwd exists on this machine, not in the target.
    expect(await resolveInTarget(root, 'up/passwd')).toBeNull();
    expect((await resolveInTarget(root, 'usr/sbin/rootlink/usr/sbin/tool'))?.onHost).toBe(
      path.join(root, 'usr/sbin/tool'),
    );
    expect(await resolveInTarget(root, '../../../../etc/passwd')).toBeNull();
  });

  it('gives up on link loops and on a file used as a folder', async () => {
    await symlink('b', path.join(root, 'a'));
    await symlink('a', path.join(root, 'b'));
    expect(await resolveInTarget(root, 'a/x')).toBeNull();
    expect(await resolveInTarget(root, 'usr/sbin/tool/x')).toBeNull();
  });

  it('reads a link itself without following it (the masked-unit check)', async () => {
    await mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
    await symlink('/dev/null', path.join(root, 'etc/systemd/system/x.service'));
    expect(await readLinkInTarget(root, 'etc/systemd/system/x.service')).toBe('/dev/null');
    expect(await readLinkInTarget(root, 'usr/sbin/tool')).toBeNull();
    await expect(resolveInTarget('relative', 'x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
