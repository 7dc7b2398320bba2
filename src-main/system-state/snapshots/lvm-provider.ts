/**
 * LVM (thick) snapshots: `lvcreate --snapshot` of the logical volume behind the source, sized to what the volume
 * group has free (never more than the origin: a snapshot cannot need more than a full copy), tagged
 * `backup-manager` and `bm-session-<id>` so that the orphan sweep can select ours with `lvs @backup-manager`.
 * The snapshot is mounted read-only under the snapshot location for reading. Only the staging folder lives in
 * the location; the copy-on-write data lives in the volume group's free extents.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { assertSessionId, SystemStateError } from '../errors';
import type { LogicalVolume, VolumeGroup } from '../platform/linux/lvm-report';
import { parseLogicalVolumes, parseVolumeGroups } from '../platform/linux/lvm-report';
import type { Availability, SnapshotHandle, SnapshotProvider, SnapshotRequest } from './snapshot-provider';
import { locationFolderName, snapshotNamePrefix } from './snapshot-provider';

export const lvmOwnerTag = 'backup-manager';
const sessionTagPrefix = 'bm-session-';
const lvColumns = 'lv_name,vg_name,lv_path,lv_size,lv_attr,origin,lv_tags';
const vgColumns = 'vg_name,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count';
const namePattern = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;

export function lvsArgv(selector: string): Argv {
  return ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', lvColumns, selector];
}
export function vgsArgv(vg?: string): Argv {
  const argv: [string, ...string[]] = [
    'vgs',
    '--reportformat',
    'json',
    '--units',
    'b',
    '--nosuffix',
    '-o',
    vgColumns,
  ];
  if (vg !== undefined) argv.push(vg);
  return argv;
}

export class LvmProvider implements SnapshotProvider {
  readonly kind = 'lvm' as const;

  constructor(private readonly runner: CommandRunner) {}

  async create(request: SnapshotRequest): Promise<SnapshotHandle> {
    assertSessionId(request.sessionId);
    const origin = await this.originOf(request.source);
    const group = await this.volumeGroup(origin.vgName);
    const extents = snapshotExtents(origin, group);
    const name = `${snapshotNamePrefix}${request.sessionId}`;
    const created = await this.runner.run({
      argv: [
        'lvcreate',
        '--snapshot',
        '--extents',
        String(extents),
        '--name',
        name,
        '--addtag',
        lvmOwnerTag,
        '--addtag',
        `${sessionTagPrefix}${request.sessionId}`,
        `${origin.vgName}/${origin.name}`,
      ],
      timeoutMs: 120_000,
    });
    if (!succeeded(created)) {
      const text = created.kind === 'exited' ? created.stderr : '';
      const code = /insufficient free space/i.test(text) ? 'INSUFFICIENT_SPACE' : 'SNAPSHOT_FAILED';
      throw new SystemStateError(code, describeResult(created, 2000));
    }
    const mountPoint = path.join(request.location, locationFolderName, 'mnt', name);
    const handle: SnapshotHandle = {
      provider: 'lvm',
      sessionId: request.sessionId,
      id: `${origin.vgName}/${name}`,
      source: request.source,
      location: request.location,
      path: mountPoint,
      createdAt: new Date().toISOString(),
      warnings: [
        `snapshot size ${extents} extents of ${group.extentSizeBytes} bytes in volume group ${group.name}`,
      ],
    };
    await mkdir(mountPoint, { recursive: true });
    // Read-only: the backup must never change the point-in-time content it reads.
    const mounted = await this.runner.run({
      argv: ['mount', '-o', 'ro', `/dev/${origin.vgName}/${name}`, mountPoint],
    });
    if (!succeeded(mounted)) {
      // Remove the unusable snapshot; if that fails too, say so in the same error (nothing is hidden).
      const cleanup = await this.delete(handle).then(
        () => '',
        (error: unknown) =>
          `; removing the snapshot also failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new SystemStateError(
        'SNAPSHOT_FAILED',
        `snapshot created but not mountable: ${describeResult(mounted)}${cleanup}`,
      );
    }
    return handle;
  }

  async isAvailable(handle: SnapshotHandle): Promise<Availability> {
    const result = await this.runner.run({ argv: lvsArgv(handle.id) });
    if (!succeeded(result)) return { available: false, evidence: [describeResult(result)] };
    const lv = parseLogicalVolumes(result.stdout)[0];
    if (lv === undefined) return { available: false, evidence: [`logical volume ${handle.id} not found`] };
    // lv_attr: 1st char 's' = snapshot; 5th char 'I' = invalid (overflowed) snapshot, its data is lost.
    if (lv.attr[4] === 'I')
      return {
        available: false,
        evidence: [`snapshot ${handle.id} is invalid (it overflowed): attr ${lv.attr}`],
      };
    return {
      available: true,
      evidence: [`snapshot ${handle.id} of ${lv.origin || '?'} present (attr ${lv.attr})`],
    };
  }

  async delete(handle: SnapshotHandle): Promise<void> {
    const unmounted = await this.runner.run({ argv: ['umount', handle.path] });
    if (!succeeded(unmounted) && !notMounted(unmounted))
      throw new SystemStateError(
        'SNAPSHOT_FAILED',
        `cannot unmount the snapshot: ${describeResult(unmounted)}`,
      );
    await rm(handle.path, { recursive: true, force: true });
    const listed = await this.runner.run({ argv: lvsArgv(`@${sessionTagPrefix}${handle.sessionId}`) });
    if (!succeeded(listed)) throw new SystemStateError('COMMAND_FAILED', describeResult(listed));
    if (!parseLogicalVolumes(listed.stdout).some((lv) => `${lv.vgName}/${lv.name}` === handle.id)) return;
    const removed = await this.runner.run({ argv: ['lvremove', '--yes', handle.id], timeoutMs: 120_000 });
    if (!succeeded(removed)) throw new SystemStateError('SNAPSHOT_FAILED', describeResult(removed));
  }

  async list(location: string): Promise<SnapshotHandle[]> {
    const result = await this.runner.run({ argv: lvsArgv(`@${lvmOwnerTag}`) });
    if (!succeeded(result)) throw new SystemStateError('COMMAND_FAILED', describeResult(result));
    return parseLogicalVolumes(result.stdout).flatMap((lv) => {
      const tag = lv.tags.find((t) => t.startsWith(sessionTagPrefix));
      if (tag === undefined) return [];
      return [
        {
          provider: 'lvm' as const,
          sessionId: tag.slice(sessionTagPrefix.length),
          id: `${lv.vgName}/${lv.name}`,
          source: `${lv.vgName}/${lv.origin}`,
          location,
          path: path.join(location, locationFolderName, 'mnt', lv.name),
          createdAt: '',
          warnings: [],
        },
      ];
    });
  }

  /** The volume group's free extents, for the provider-health check. */
  async volumeGroup(name: string): Promise<VolumeGroup> {
    const result = await this.runner.run({ argv: vgsArgv(name) });
    if (result.kind === 'missing') throw new SystemStateError('TOOL_MISSING', describeResult(result));
    if (!succeeded(result)) throw new SystemStateError('COMMAND_FAILED', describeResult(result));
    const group = parseVolumeGroups(result.stdout).find((g) => g.name === name);
    if (group === undefined)
      throw new SystemStateError('SNAPSHOT_UNSUPPORTED', `volume group ${name} not found`);
    return group;
  }

  /** `vg/lv`, `/dev/vg/lv` or `/dev/mapper/vg-lv` → the origin logical volume. */
  private async originOf(source: string): Promise<LogicalVolume> {
    const selector = source.startsWith('/dev/') ? source : source.replace(/^\/+/, '');
    const [vg, lv] = selector.startsWith('/dev/') ? ['', ''] : selector.split('/');
    if (!selector.startsWith('/dev/') && !(vg && lv && namePattern.test(vg) && namePattern.test(lv)))
      throw new SystemStateError(
        'INVALID_ARGUMENT',
        `LVM source must be vg/lv or a /dev path, not ${JSON.stringify(source)}`,
      );
    const result = await this.runner.run({ argv: lvsArgv(selector) });
    if (result.kind === 'missing') throw new SystemStateError('TOOL_MISSING', describeResult(result));
    if (!succeeded(result)) throw new SystemStateError('SNAPSHOT_UNSUPPORTED', describeResult(result));
    const origin = parseLogicalVolumes(result.stdout)[0];
    if (origin === undefined)
      throw new SystemStateError('SNAPSHOT_UNSUPPORTED', `${source} is not a logical volume`);
    return origin;
  }
}

/**
 * Extents for the snapshot: as many as the volume group has free, capped at the origin's size (a thick snapshot
 * never needs more than a full copy of its origin). No free extent at all means no snapshot is possible.
 */
export function snapshotExtents(origin: LogicalVolume, group: VolumeGroup): number {
  if (group.freeExtents === 0)
    throw new SystemStateError(
      'INSUFFICIENT_SPACE',
      `volume group ${group.name} has no free extents for a snapshot of ${origin.name} (extend it with vgextend or shrink a volume)`,
    );
  const originExtents = Math.ceil(origin.sizeBytes / group.extentSizeBytes);
  return Math.max(1, Math.min(group.freeExtents, originExtents));
}

function notMounted(result: Awaited<ReturnType<CommandRunner['run']>>): boolean {
  // util-linux umount exits 32 with "not mounted" or "no mount point specified" when there is nothing to do.
  return (
    result.kind === 'exited' && result.exitCode === 32 && /not mounted|no mount point/.test(result.stderr)
  );
}
