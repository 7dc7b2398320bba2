/**
 * The snapshot provider's own health (Linux; on Windows the VSS writers check plays this role): btrfs device
 * error counters; the volume group's free extents against the estimate for LVM; the temporary copy has no
 * storage of its own beyond the snapshot location, which the free-space check covers.
 */
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { isSystemStateError, SystemStateError } from '../errors';
import { formatBytes } from '../format-bytes';
import { parseLogicalVolumes } from '../platform/linux/lvm-report';
import { BtrfsProvider } from '../snapshots/btrfs-provider';
import { LvmProvider, lvsArgv } from '../snapshots/lvm-provider';
import type { SnapshotProviderKind } from '../snapshots/snapshot-provider';
import type { CheckResult } from './check';
import { notApplicable } from './shadow-copy-drives-check';

const title = 'Snapshot provider health';

export async function providerHealthCheck(input: {
  runner: CommandRunner;
  provider: SnapshotProviderKind;
  /** btrfs: the mount point; lvm: `vg/lv` or the device of the system volume (lvs accepts both). */
  source: string;
  estimateBytes: number;
}): Promise<CheckResult> {
  const { runner, provider, source, estimateBytes } = input;
  const base = { id: 'provider-health', title };
  if (provider === 'btrfs') {
    const health = await new BtrfsProvider(runner).deviceErrors(source);
    return health.healthy
      ? { ...base, status: 'pass', code: 'OK', evidence: health.evidence, fix: '' }
      : {
          ...base,
          status: 'fail',
          code: 'PROVIDER_UNHEALTHY',
          evidence: health.evidence,
          fix: `Check the disk (smartctl), run "btrfs scrub start ${source}", and reset the counters with "btrfs device stats -z ${source}" once fixed.`,
        };
  }
  if (provider === 'lvm') {
    try {
      const listed = await runner.run({ argv: lvsArgv(source) });
      if (listed.kind === 'missing') throw new SystemStateError('TOOL_MISSING', describeResult(listed));
      if (!succeeded(listed)) throw new SystemStateError('COMMAND_FAILED', describeResult(listed));
      const origin = parseLogicalVolumes(listed.stdout)[0];
      if (origin === undefined)
        throw new SystemStateError('SNAPSHOT_UNSUPPORTED', `${source} is not a logical volume`);
      const group = await new LvmProvider(runner).volumeGroup(origin.vgName);
      const evidence = [
        `volume group ${group.name}: ${group.freeExtents} free extents of ${formatBytes(group.extentSizeBytes)} = ${formatBytes(group.freeBytes)}; estimate ${formatBytes(estimateBytes)}`,
      ];
      if (group.freeExtents === 0 || group.freeBytes < estimateBytes * 1.1)
        return {
          ...base,
          status: 'fail',
          code: 'INSUFFICIENT_SPACE',
          evidence,
          fix: `Add a disk to the volume group (pvcreate + vgextend ${group.name}) or shrink a logical volume: the snapshot needs free extents.`,
        };
      if (group.freeBytes < estimateBytes * 1.5)
        return {
          ...base,
          status: 'warn',
          code: 'LOW_FREE_SPACE',
          evidence,
          fix: `Free more extents in ${group.name} for margin.`,
        };
      return { ...base, status: 'pass', code: 'OK', evidence, fix: '' };
    } catch (error) {
      if (!isSystemStateError(error)) throw error; // a bug, not a finding about the machine
      return {
        ...base,
        status: 'fail',
        code: error.code,
        evidence: [error.message],
        fix: 'Install lvm2 and check the volume group with "vgs".',
      };
    }
  }
  if (provider === 'vss')
    return notApplicable('provider-health', title, 'Windows: see the VSS writers check');
  return {
    ...base,
    status: 'pass',
    code: 'OK',
    evidence: ['temporary copy: no snapshot technology to check; its space is the free-space check'],
    fix: '',
  };
}
