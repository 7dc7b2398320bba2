/**
 * The words of the Troubleshooting screen, as pure functions: what each check means (for a help-desk person
 * walking a user through it on the phone), how a status reads, the helper's fix split into numbered steps, the
 * summary at the top, and which check a deep link (`#/troubleshooting?check=<id>`) asks for.
 */
import type { PreflightCheck } from '@contract';

export interface CheckGuide {
  /** What the check looks at and why it matters, in plain words. */
  intro: string;
  /** Where it applies, for the list of checks this machine did not report. */
  appliesTo: string;
  /** A fallback title when the helper did not report the check. */
  title: string;
}

/** One entry per check id the helper knows (src-main/system-state/preflight). */
export const checkGuides: Record<string, CheckGuide> = {
  services: {
    title: 'Required services running and starting automatically',
    intro:
      'The Backup Manager helper (the Backup Service Controller on Windows) and the services the snapshot needs must be running and set to start automatically. If one is stopped, or restarts during a backup, the System state session is interrupted.',
    appliesTo: 'Windows and Linux',
  },
  'vss-writers': {
    title: 'VSS writers stable',
    intro:
      'Windows takes the snapshot with the Volume Shadow Copy Service (VSS). Each application that keeps data open has a "writer" that must be present and stable, the System Writer first. A missing or failed writer makes the snapshot incomplete.',
    appliesTo: 'Windows',
  },
  'provider-health': {
    title: 'Snapshot provider health',
    intro:
      'On Linux the snapshot is taken by btrfs, LVM or a temporary copy. The check looks for disk errors reported by btrfs and for enough free room in the LVM volume group, so the snapshot does not break half way.',
    appliesTo: 'Linux',
  },
  'snapshot-availability': {
    title: 'Snapshot still available',
    intro:
      'A session reads from its snapshot until it ends. If the machine restarts, or the system deletes the snapshot (often because its storage filled up), the session must start again with a new one.',
    appliesTo: 'a running or interrupted session',
  },
  'free-space': {
    title: 'Free space for the snapshot',
    intro:
      'The snapshot and its staging folder need room on the drive of the snapshot location: at least 1.1 times the size of System state, and 1.5 times to be comfortable. With less, the session can run out of space.',
    appliesTo: 'Windows and Linux',
  },
  'shadow-copy-drives': {
    title: 'Shadow Copy enabled for all drives',
    intro:
      'On Windows Server editions, Shadow Copy must be enabled for every fixed drive, otherwise the snapshot cannot cover all of System state.',
    appliesTo: 'Windows Server',
  },
  repository: {
    title: 'Repository reachable',
    intro:
      'Every session writes to the repository, so the helper checks that it can get there: the server answers (SFTP or S3), it accepts the login (the SSH key file, or the S3 access keys), the SFTP server presents the host key you trusted, and a repository is there. A changed host key is never accepted by itself: compare it in Settings with the one the server shows (ssh-keygen -lf on the server) before trusting it.',
    appliesTo: 'every repository; the connection steps to SFTP and S3 ones',
  },
  'mbr-2tb-limit': {
    title: 'Dynamic disks / LVM and md on MBR: 2 TB limit',
    intro:
      'A disk with an old-style MBR partition table can only address the first 2 TB. Dynamic disks (Windows) or LVM and RAID members (Linux) on such a disk must not use more, or the disk layout cannot be restored.',
    appliesTo: 'Windows and Linux',
  },
};

const genericIntro = 'A check the helper runs before a System state session.';

export function checkIntro(id: string): string {
  return checkGuides[id]?.intro ?? genericIntro;
}

export type Tone = 'ok' | 'warn' | 'error' | 'neutral';

export interface StatusPresentation {
  /** The status as words: never conveyed by colour alone. */
  label: string;
  tone: Tone;
  /** A symbol next to the words (hidden from screen readers, which read the label). */
  icon: string;
}

export function statusPresentation(check: Pick<PreflightCheck, 'status' | 'code'>): StatusPresentation {
  if (check.code === 'NOT_APPLICABLE') return { label: 'Not applicable', tone: 'neutral', icon: '–' };
  if (check.status === 'pass') return { label: 'Pass', tone: 'ok', icon: '✓' };
  if (check.status === 'warn') return { label: 'Warning', tone: 'warn', icon: '!' };
  return { label: 'Failed', tone: 'error', icon: '✕' };
}

/** Whether the check's code is worth showing (it is `OK` or `NOT_APPLICABLE` when nothing is wrong). */
export function showsCode(check: Pick<PreflightCheck, 'code'>): boolean {
  return check.code !== 'OK' && check.code !== 'NOT_APPLICABLE';
}

/**
 * The helper's fix as numbered steps: one per line, and one per sentence within a line. A sentence ends at
 * `.`, `!` or `?` followed by a space and a capital letter, a quote or a bracket, so paths, versions and
 * commands (`backup-manager snapshot-location set /data`, `1.5×`) stay whole.
 */
export function fixSteps(fix: string): string[] {
  return fix
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^(\d+[.)]|[-*•])\s+/, ''))
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z"“(])/))
    .map((step) => step.trim())
    .filter((step) => step !== '');
}

export interface ChecksSummary {
  overall: PreflightCheck['status'];
  /** One sentence for the top of the screen. */
  headline: string;
  failed: number;
  warnings: number;
  passed: number;
  /** The checks that need attention, failures first. */
  attention: PreflightCheck[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarize(
  checks: readonly PreflightCheck[],
  overall: PreflightCheck['status'],
): ChecksSummary {
  const failedChecks = checks.filter((c) => c.status === 'fail');
  const warningChecks = checks.filter((c) => c.status === 'warn');
  const passed = checks.length - failedChecks.length - warningChecks.length;
  let headline: string;
  if (checks.length === 0) headline = 'The helper reported no checks for this machine.';
  else if (failedChecks.length > 0)
    headline = `${plural(failedChecks.length, 'check')} failed: a System state backup is likely to be interrupted until ${failedChecks.length === 1 ? 'it is' : 'they are'} fixed.`;
  else if (warningChecks.length > 0)
    headline = `${plural(warningChecks.length, 'check')} with a warning: backups can run, with little margin.`;
  else
    headline = `All ${plural(checks.length, 'check')} passed: this machine is ready for a System state backup.`;
  return {
    overall,
    headline,
    failed: failedChecks.length,
    warnings: warningChecks.length,
    passed,
    attention: [...failedChecks, ...warningChecks],
  };
}

/** The known checks the helper did not report here, with where they apply (e.g. the VSS writers on Linux). */
export function notReported(
  checks: readonly PreflightCheck[],
): { id: string; title: string; appliesTo: string }[] {
  const reported = new Set(checks.map((c) => c.id));
  return Object.entries(checkGuides)
    .filter(([id]) => !reported.has(id))
    .map(([id, guide]) => ({ id, title: guide.title, appliesTo: guide.appliesTo }));
}

/**
 * The check a link asks to open: `#/troubleshooting?check=free-space` or `#/troubleshooting/free-space`.
 * Null for any other hash.
 */
export function linkedCheckFromHash(hash: string): string | null {
  const path = hash.replace(/^#\/?/, '');
  const query = /^troubleshooting\/?\?(.*)$/.exec(path);
  if (query) {
    const id = new URLSearchParams(query[1] ?? '').get('check');
    return id && /^[a-z0-9-]+$/.test(id) ? id : null;
  }
  const segment = /^troubleshooting\/([a-z0-9-]+)\/?$/.exec(path);
  return segment?.[1] ?? null;
}

/** The stable anchor of a check's card. */
export function checkAnchor(id: string): string {
  return `check-${id}`;
}
