/**
 * btrfs snapshots: a read-only snapshot of the source subvolume, named after the session, in a folder at the top
 * of the same filesystem (btrfs snapshots cannot live on another filesystem; the snapshot location then only
 * holds the staging folder). Tools: `btrfs subvolume snapshot -r | show | delete`.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { assertSessionId, fromNodeError, SystemStateError } from '../errors';
import type { Availability, SnapshotHandle, SnapshotProvider, SnapshotRequest } from './snapshot-provider';
import { snapshotNamePrefix } from './snapshot-provider';

/** Folder at the top of the snapshotted filesystem that holds our snapshots. */
export const btrfsSnapshotFolder = '.backup-manager-snapshots';

export class BtrfsProvider implements SnapshotProvider {
  readonly kind = 'btrfs' as const;

  constructor(private readonly runner: CommandRunner) {}

  async create(request: SnapshotRequest): Promise<SnapshotHandle> {
    assertSessionId(request.sessionId);
    const source = path.resolve(request.source);
    const show = await this.runner.run({ argv: ['btrfs', 'subvolume', 'show', source] });
    if (show.kind === 'missing') throw new SystemStateError('TOOL_MISSING', describeResult(show));
    if (!succeeded(show))
      throw new SystemStateError(
        'SNAPSHOT_UNSUPPORTED',
        `${source} is not a btrfs subvolume (${describeResult(show)})`,
      );
    const folder = path.join(source, btrfsSnapshotFolder);
    await mkdir(folder, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw fromNodeError(error, `creating ${folder}`);
    });
    const snapshotPath = path.join(folder, `${snapshotNamePrefix}${request.sessionId}`);
    const created = await this.runner.run({
      argv: ['btrfs', 'subvolume', 'snapshot', '-r', source, snapshotPath],
      timeoutMs: 120_000,
    });
    if (!succeeded(created)) {
      const noSpace = /No space left/i.test(created.kind === 'exited' ? created.stderr : '');
      throw new SystemStateError(noSpace ? 'INSUFFICIENT_SPACE' : 'SNAPSHOT_FAILED', describeResult(created));
    }
    return {
      provider: 'btrfs',
      sessionId: request.sessionId,
      id: snapshotPath,
      source,
      location: request.location,
      path: snapshotPath,
      createdAt: new Date().toISOString(),
      warnings: [],
    };
  }

  async isAvailable(handle: SnapshotHandle): Promise<Availability> {
    const show = await this.runner.run({ argv: ['btrfs', 'subvolume', 'show', handle.id] });
    if (succeeded(show)) return { available: true, evidence: [`btrfs subvolume ${handle.id} present`] };
    return { available: false, evidence: [describeResult(show)] };
  }

  async delete(handle: SnapshotHandle): Promise<void> {
    if (!(await this.isAvailable(handle)).available) return; // already gone: deleting twice succeeds
    const deleted = await this.runner.run({
      argv: ['btrfs', 'subvolume', 'delete', handle.id],
      timeoutMs: 120_000,
    });
    if (!succeeded(deleted)) throw new SystemStateError('SNAPSHOT_FAILED', describeResult(deleted));
  }

  /** Our snapshots of the btrfs filesystem mounted at `source` (its top folder holds them). */
  async list(source: string): Promise<SnapshotHandle[]> {
    const folder = path.join(path.resolve(source), btrfsSnapshotFolder);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromNodeError(error, `listing ${folder}`);
    }
    return names
      .filter((n) => n.startsWith(snapshotNamePrefix))
      .map((name) => ({
        provider: 'btrfs' as const,
        sessionId: name.slice(snapshotNamePrefix.length),
        id: path.join(folder, name),
        source: path.resolve(source),
        location: path.resolve(source),
        path: path.join(folder, name),
        createdAt: '',
        warnings: [],
      }));
  }

  /**
   * The provider's own health: `btrfs device stats --check` exits non-zero when any device has I/O, corruption
   * or generation errors, which would make the snapshot (and the backup read from it) untrustworthy.
   */
  async deviceErrors(mountPoint: string): Promise<{ healthy: boolean; evidence: string[] }> {
    const stats = await this.runner.run({ argv: ['btrfs', 'device', 'stats', '--check', mountPoint] });
    if (stats.kind !== 'exited') return { healthy: false, evidence: [describeResult(stats)] };
    const counters = stats.stdout
      .split('\n')
      .map((line) => /^\[(.+)\]\.(\w+)\s+(\d+)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null);
    if (counters.length === 0) return { healthy: false, evidence: [describeResult(stats)] };
    const nonZero = counters.filter((m) => m[3] !== '0').map((m) => `${m[1]} ${m[2]} = ${m[3]}`);
    return {
      healthy: stats.exitCode === 0 && nonZero.length === 0,
      evidence:
        nonZero.length > 0
          ? nonZero
          : [
              `btrfs device stats: ${counters.length} counters, all 0 on ${[...new Set(counters.map((m) => m[1]))].join(', ')}`,
            ],
    };
  }
}
