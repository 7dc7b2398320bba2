/**
 * Test support: a real filesystem in a sparse image file, loop-mounted in a temporary folder (root only). Used by
 * the btrfs snapshot tests and the free-space preflight tests. `dispose()` unmounts, frees the loop device and
 * removes the folder, and is safe to call after a partial setup or twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';

export interface LoopFilesystem {
  mountPoint: string;
  imagePath: string;
  dispose(): Promise<void>;
}

const runner = new ExecCommandRunner({ defaultTimeoutMs: 60_000 });

export function canUseLoopMounts(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0;
}

export async function createLoopFilesystem(type: 'btrfs' | 'ext4', sizeMiB: number): Promise<LoopFilesystem> {
  const dir = await mkdtemp(path.join(tmpdir(), `bm-loop-${type}-`));
  const imagePath = path.join(dir, 'image');
  const mountPoint = path.join(dir, 'mnt');
  let mounted = false;
  const dispose = async () => {
    if (mounted) {
      // `mount -o loop` sets autoclear: unmounting also frees the loop device.
      const unmounted = await runner.run({ argv: ['umount', mountPoint] });
      if (!succeeded(unmounted)) {
        const lazy = await runner.run({ argv: ['umount', '-l', mountPoint] });
        if (!succeeded(lazy)) throw new Error(`cannot unmount test filesystem: ${describeResult(lazy)}`);
      }
      mounted = false;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await must(['truncate', '-s', `${sizeMiB}M`, imagePath]);
    await must(
      type === 'btrfs' ? ['mkfs.btrfs', '-q', imagePath] : ['mkfs.ext4', '-q', '-F', '-m', '0', imagePath],
    );
    await must(['mkdir', '-p', mountPoint]);
    await must(['mount', '-o', 'loop', imagePath, mountPoint]);
    mounted = true;
    return { mountPoint, imagePath, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function must(argv: [string, ...string[]]): Promise<void> {
  const result = await runner.run({ argv });
  if (!succeeded(result)) throw new Error(describeResult(result));
}
