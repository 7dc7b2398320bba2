/**
 * A really small drive for the e2e journeys that need one (a snapshot location too small for System state): a
 * 16 MiB ext4 image, loop-mounted the way src-main/system-state/testing/loop-filesystem.ts does it. Root only;
 * null when it cannot be made here (the journey then skips and says why).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TinyFilesystem {
  dir: string;
  mountPoint: string;
}

export function mountTinyFilesystem(): TinyFilesystem | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'bm-e2e-loop-'));
  const mountPoint = path.join(dir, 'mnt');
  mkdirSync(mountPoint);
  const image = path.join(dir, 'image');
  for (const argv of [
    ['truncate', '-s', '16M', image],
    ['mkfs.ext4', '-q', '-F', '-m', '0', image],
    ['mount', '-o', 'loop', image, mountPoint],
  ]) {
    const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return null;
    }
  }
  return { dir, mountPoint };
}

export function unmountTinyFilesystem(loop: TinyFilesystem): void {
  // `mount -o loop` sets autoclear: unmounting also frees the loop device.
  const result = spawnSync('umount', [loop.mountPoint]);
  if (result.status !== 0) spawnSync('umount', ['-l', loop.mountPoint]);
  rmSync(loop.dir, { recursive: true, force: true });
}
