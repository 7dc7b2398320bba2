/**
 * Puts a volume's shadow copy storage (where VSS keeps the copy-on-write differences) on the drive of the
 * snapshot location, before the shadow copy is created: `vssadmin add shadowstorage` when the volume has no
 * association yet, `resize` when it has one there that is too small. An association on another drive is left
 * alone, with a warning: vssadmin cannot move it without deleting it, and deleting it deletes every existing
 * shadow copy of the volume (restore points, Previous Versions) — not ours to destroy.
 */
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { SystemStateError } from '../errors';
import { parseShadowStorage, shadowStoragePlan } from '../platform/windows/vssadmin-shadowstorage';

const MiB = 1024 * 1024;
/** The smallest maximum vssadmin accepts (its documentation: 320 MB). */
const minimumMiB = 320;

/** The maximum to ask for: 1.5 × the estimate (the free-space check's warning ratio), or unbounded without one. */
export function shadowStorageMaxSize(estimateBytes: number | undefined): string {
  if (estimateBytes === undefined || estimateBytes <= 0) return 'UNBOUNDED';
  return `${Math.max(minimumMiB, Math.ceil((estimateBytes * 1.5) / MiB))}MB`;
}

/** Returns warnings for the snapshot handle; throws VSS_UNAVAILABLE when vssadmin cannot list associations. */
export async function placeShadowStorage(
  runner: CommandRunner,
  volume: string,
  locationDrive: string,
  maxSize: string,
): Promise<string[]> {
  const listed = await runner.run({ argv: ['vssadmin', 'list', 'shadowstorage'], timeoutMs: 60_000 });
  const noneYet = listed.kind === 'exited' && /No items found/i.test(listed.stdout);
  if (!succeeded(listed) && !noneYet) throw new SystemStateError('VSS_UNAVAILABLE', describeResult(listed));
  const associations = parseShadowStorage(listed.kind === 'exited' ? listed.stdout : '');
  const plan = shadowStoragePlan(volume, locationDrive, maxSize, associations);
  const forVolume = plan[0]?.[3]?.replace('/for=', '') ?? volume;
  if (plan.some((argv) => argv[1] === 'delete')) {
    const current = associations.find((a) => a.forVolume.toUpperCase() === forVolume);
    return [
      `shadow copy storage of ${forVolume} stays on ${current?.storageVolume ?? '?'} (moving it to ${locationDrive} would delete the existing shadow copies of ${forVolume})`,
    ];
  }
  const [step] = plan;
  if (step === undefined) return [];
  if (step[1] === 'resize') {
    const current = associations.find((a) => a.forVolume.toUpperCase() === forVolume);
    const wanted = maxSize === 'UNBOUNDED' ? null : Number.parseInt(maxSize, 10) * MiB;
    // Only grow: a bigger or unbounded maximum already fits.
    if (current?.maximumBytes === null || (wanted !== null && (current?.maximumBytes ?? 0) >= wanted))
      return [];
  }
  const changed = await runner.run({ argv: step, timeoutMs: 60_000 });
  if (succeeded(changed)) return [];
  // Without the association VSS keeps the differences on the volume itself: the snapshot still works.
  return [`shadow copy storage not changed (${describeResult(changed)}); VSS uses its default place`];
}
