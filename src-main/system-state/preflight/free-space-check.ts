/**
 * Free space on the snapshot location versus the System state estimate. A snapshot can grow to the size of what
 * it captures (a temporary copy is that size from the start; copy-on-write snapshots reach it when everything
 * changes during the session), and the staging folder needs room too. Thresholds:
 * - fail (INSUFFICIENT_SPACE) under 1.1 × the estimate: the session would most likely run out of space;
 * - warn (LOW_FREE_SPACE) under 1.5 × the estimate: it fits today, with little margin for change and growth;
 * - pass otherwise.
 * The fix names the local drive with the most free space, when another one would pass.
 */

import { formatBytes } from '../format-bytes';
import type { LocationCandidate } from '../location/snapshot-location';
import { failRatio, warnRatio } from '../location/snapshot-location';
import type { CheckResult } from './check';

export interface FreeSpaceInput {
  location: string;
  locationDrive: { mountPoint: string; freeBytes: number; fsType: string };
  estimateBytes: number;
  candidates: readonly LocationCandidate[];
  /** How a user moves the location (CLI command or UI words). */
  moveCommand?: (path: string) => string;
}

export function freeSpaceCheck(input: FreeSpaceInput): CheckResult {
  const { location, locationDrive, estimateBytes } = input;
  const free = locationDrive.freeBytes;
  const ratio = estimateBytes === 0 ? Number.POSITIVE_INFINITY : free / estimateBytes;
  const evidence = [
    `snapshot location: ${location} (on ${locationDrive.mountPoint}, ${locationDrive.fsType})`,
    `free there: ${formatBytes(free)}; System state estimate: ${formatBytes(estimateBytes)}; ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'}`,
    `thresholds: fail under ${failRatio}× (${formatBytes(Math.ceil(estimateBytes * failRatio))}), warn under ${warnRatio}× (${formatBytes(Math.ceil(estimateBytes * warnRatio))})`,
  ];
  const base = { id: 'free-space', title: 'Free space for the snapshot', evidence };
  if (ratio >= warnRatio) return { ...base, status: 'pass', code: 'OK', fix: '' };
  const needed = Math.ceil(estimateBytes * warnRatio);
  const better = [...input.candidates]
    .filter((c) => c.path !== locationDrive.mountPoint && c.freeBytes >= Math.ceil(estimateBytes * failRatio))
    .sort((a, b) => b.freeBytes - a.freeBytes)[0];
  const move = input.moveCommand ?? ((p: string) => `backup-manager snapshot-location set ${p}`);
  const fix = better
    ? `Move the snapshot location to ${better.path} (${formatBytes(better.freeBytes)} free, ${better.fsType}): ${move(better.path)}` +
      (better.snapshotData.possible ? '' : ` — note: ${better.snapshotData.reason}`)
    : `Free at least ${formatBytes(Math.max(0, needed - free))} on ${locationDrive.mountPoint}, or attach a local drive with ${formatBytes(needed)} free and move the snapshot location there.`;
  if (better) evidence.push(`best other drive: ${better.path} with ${formatBytes(better.freeBytes)} free`);
  return ratio < failRatio
    ? { ...base, status: 'fail', code: 'INSUFFICIENT_SPACE', fix }
    : { ...base, status: 'warn', code: 'LOW_FREE_SPACE', fix };
}
