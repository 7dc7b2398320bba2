/**
 * Which boot of the machine this is. A session that was running under another boot was interrupted by a restart
 * (MACHINE_RESTARTED: its snapshot is gone with it, VSS shadows do not survive a reboot either), not by a crash of
 * the helper alone (HELPER_CRASHED).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';

export async function currentBootId(platform: NodeJS.Platform = process.platform): Promise<string> {
  if (platform === 'linux') {
    // The kernel makes a new random UUID at every boot.
    const id = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    if (id.length > 0) return id;
  }
  // Elsewhere: the boot time, to the minute (uptime and the clock drift apart by seconds, never by minutes).
  const bootedAt = Math.round((Date.now() - os.uptime() * 1000) / 60_000) * 60_000;
  return `boot-${new Date(bootedAt).toISOString()}`;
}
