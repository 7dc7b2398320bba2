/**
 * The words and numbers the snapshot-location components show, computed here so the components stay
 * presentational: provider names, what a refusal means, and the free-space warning in human units.
 */
import type { CheckStatus, PreflightCheck, PreflightResult } from '@contract';
import { formatBytes } from '../../components/format';

const providerNames: Record<string, string> = {
  btrfs: 'Btrfs snapshots',
  lvm: 'LVM snapshots',
  vss: 'Volume Shadow Copy (VSS)',
  'temp-copy': 'Temporary copy',
};

export function providerName(kind: string): string {
  return providerNames[kind] ?? kind;
}

const refusalExplanations: Record<string, string> = {
  INVALID_LOCATION:
    'Snapshots can only be kept in a folder that exists, is on a local drive of this machine and can be written to. Nothing was changed.',
  INSUFFICIENT_SPACE:
    'That drive has too little free space for a snapshot of System state (at least 1.1 × the estimate). Nothing was changed.',
  HELPER_UNAVAILABLE:
    'The helper service keeps the snapshot location and is not available. Nothing was changed.',
  DISCONNECTED:
    'This window lost its link to Backup Manager. Nothing was changed; try again once it reconnects.',
};

/** What a refused change means for the user, beside the code and the helper's own reason. */
export function refusalExplanation(code: string): string {
  return refusalExplanations[code] ?? 'The change was refused. Nothing was changed.';
}

export interface FreeSpaceView {
  status: CheckStatus;
  /** The status in words (never colour alone). */
  label: string;
  /** What it means for starting a backup. */
  consequence: string;
  facts: { id: string; label: string; value: string }[];
  /** The one-click fix, when another drive would do. */
  fix: { mountPoint: string; label: string; detail: string } | null;
  /** What to do when there is no one-click fix (from the check itself). */
  advice: string | null;
}

const statusLabels: Record<CheckStatus, string> = {
  pass: 'Enough free space',
  warn: 'Low free space',
  fail: 'Not enough free space',
};

const consequences: Record<CheckStatus, string> = {
  pass: 'The snapshot location has room for a System state snapshot.',
  warn: 'A backup can still start, but the snapshot fits with little margin if the system changes while it runs.',
  fail: '“Back up now” is blocked: the snapshot would most likely run out of space.',
};

export function freeSpaceCheckOf(preflight: PreflightResult): PreflightCheck | undefined {
  return preflight.checks.find((check) => check.id === 'free-space');
}

export function freeSpaceView(preflight: PreflightResult): FreeSpaceView {
  const check = freeSpaceCheckOf(preflight);
  const summary = preflight.freeSpace;
  const status = summary?.status ?? check?.status ?? 'fail';
  const facts: FreeSpaceView['facts'] = [];
  if (summary) {
    facts.push(
      {
        id: 'where',
        label: 'Snapshot location',
        value:
          summary.location === summary.driveMount
            ? summary.location
            : `${summary.location} (on ${summary.driveMount})`,
      },
      { id: 'free', label: 'Free there', value: formatBytes(summary.freeBytes) },
      { id: 'estimate', label: 'System state estimate', value: formatBytes(summary.estimateBytes) },
      {
        id: 'thresholds',
        label: 'Needed',
        value: `${formatBytes(summary.failBelowBytes)} to start, ${formatBytes(summary.warnBelowBytes)} to be comfortable`,
      },
    );
  } else {
    facts.push({ id: 'where', label: 'Snapshot location', value: preflight.location });
    for (const [index, line] of (check?.evidence ?? []).entries())
      facts.push({ id: `evidence-${index}`, label: index === 0 ? 'Found' : '', value: line });
  }
  const suggested = status === 'pass' ? null : (summary?.suggestedDrive ?? null);
  return {
    status,
    label: statusLabels[status],
    consequence: consequences[status],
    facts,
    fix: suggested
      ? {
          mountPoint: suggested.mountPoint,
          label: `Move the snapshot location to ${suggested.mountPoint}`,
          detail: `${formatBytes(suggested.freeBytes)} free there (${suggested.fsType}).${
            suggested.snapshotData.possible ? '' : ` Note: ${suggested.snapshotData.reason}`
          }`,
        }
      : null,
    advice: status !== 'pass' && !suggested && check?.fix ? check.fix : null,
  };
}
