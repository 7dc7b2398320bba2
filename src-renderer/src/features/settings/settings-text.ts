/**
 * Settings: the checks made in the form before asking the helper, and the words the screen shows, kept out of the
 * components so they stay presentational.
 */
import type { ErrorCode, HelperSettings, PasswordStatus } from '@contract';
import { remoteErrorHint } from '../remote-repository/remote-text';

export type Retention = NonNullable<HelperSettings['retention']>;
export type RetentionKey = keyof Retention;

/** The retention rules in the order the form shows them, with their labels. */
export const retentionFields: readonly { key: RetentionKey; label: string; unit: string }[] = [
  { key: 'keepLast', label: 'Keep the last', unit: 'snapshots' },
  { key: 'keepDaily', label: 'Keep daily', unit: 'days with a snapshot' },
  { key: 'keepWeekly', label: 'Keep weekly', unit: 'weeks with a snapshot' },
  { key: 'keepMonthly', label: 'Keep monthly', unit: 'months with a snapshot' },
];

/** What the retention form holds: the numbers as typed (empty: no rule of that kind). */
export type RetentionForm = Record<RetentionKey, string>;

export const emptyRetentionForm: RetentionForm = {
  keepLast: '',
  keepDaily: '',
  keepWeekly: '',
  keepMonthly: '',
};

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

export type PathCheck = { ok: true; path: string } | { ok: false; problem: string };

/** A path typed for the repository or the password file: absolute, at most 4096 characters. */
export function checkPath(input: string, example: string): PathCheck {
  const path = input.trim();
  if (path === '') return { ok: false, problem: `Type the full path first, for example ${example}.` };
  if (path.length > 4096) return { ok: false, problem: 'The path is longer than 4096 characters.' };
  if (!isAbsolutePath(path))
    return {
      ok: false,
      problem: `${path} is not a full path: start it with / (or a drive letter on Windows), for example ${example}.`,
    };
  return { ok: true, path };
}

export function retentionToForm(retention: HelperSettings['retention']): RetentionForm {
  const form = { ...emptyRetentionForm };
  for (const { key } of retentionFields) {
    const value = retention?.[key];
    if (value !== undefined) form[key] = String(value);
  }
  return form;
}

export type RetentionCheck =
  | { ok: true; retention: Retention | null }
  | { ok: false; problems: Partial<Record<RetentionKey, string>>; summary: string | null };

/** The form as the `retention` setting: null keeps everything; otherwise at least one whole number ≥ 1. */
export function checkRetention(form: RetentionForm, keepEverything: boolean): RetentionCheck {
  if (keepEverything) return { ok: true, retention: null };
  const retention: Retention = {};
  const problems: Partial<Record<RetentionKey, string>> = {};
  for (const { key } of retentionFields) {
    const value = form[key].trim();
    if (value === '') continue;
    const number = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1)
      problems[key] = 'A whole number of 1 or more, or empty.';
    else retention[key] = number;
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems, summary: null };
  if (Object.keys(retention).length === 0)
    return {
      ok: false,
      problems: {},
      summary: 'Give at least one number, or choose “Keep everything”.',
    };
  return { ok: true, retention };
}

/** "Keeps the last 3 snapshots, 7 daily, 4 weekly" or "Keeps everything". */
export function describeRetention(retention: HelperSettings['retention']): string {
  if (retention === null) return 'Keeps everything: no snapshot is forgotten.';
  const parts: string[] = [];
  if (retention.keepLast !== undefined)
    parts.push(`the last ${retention.keepLast} snapshot${retention.keepLast === 1 ? '' : 's'}`);
  if (retention.keepDaily !== undefined) parts.push(`${retention.keepDaily} daily`);
  if (retention.keepWeekly !== undefined) parts.push(`${retention.keepWeekly} weekly`);
  if (retention.keepMonthly !== undefined) parts.push(`${retention.keepMonthly} monthly`);
  return parts.length === 0 ? 'No rule set.' : `Keeps ${parts.join(', ')}.`;
}

/** What a refusal code means, in a sentence shown before the helper's own message. */
export function refusalExplanation(code: ErrorCode | string): string {
  switch (code) {
    case 'SETTINGS_INVALID':
      return 'The helper checked it and refused it; nothing was changed.';
    case 'HELPER_UNAVAILABLE':
      return 'No helper service answered; nothing was changed.';
    case 'INVALID_REQUEST':
      return 'The value was not in a form the app accepts; nothing was changed.';
    case 'SECRETS_UNAVAILABLE':
      return 'This Backup Manager cannot remember passwords or access keys.';
    case 'SECRETS_CORRUPT':
      return 'The file of remembered passwords is damaged or cannot be decrypted.';
    default: {
      const remote = remoteErrorHint(code);
      return remote === null ? 'Nothing was changed.' : `${remote} Nothing was changed.`;
    }
  }
}

export interface PasswordStatusView {
  /** Whether a password is remembered: the sentence the section leads with. */
  headline: string;
  /** `warn`: a session would find no password, or the remembered one cannot be used now. */
  tone: 'ok' | 'warn';
  /** Where sessions started here get the password. */
  sessions: string;
  /** Where scheduled sessions get it. */
  scheduled: string;
}

/** What the Settings screen says about the repository password; it never has the password to show. */
export function passwordStatusView(status: PasswordStatus): PasswordStatusView {
  const unusable = status.remembered && !status.keychain.available;
  const headline =
    status.repository === null
      ? 'No password remembered: no repository is set yet.'
      : !status.remembered
        ? 'No password remembered for this repository.'
        : unusable
          ? `A password is remembered for this repository (never shown), but it cannot be used now: ${status.keychain.reason ?? 'the keychain is unavailable'}`
          : 'A password is remembered for this repository (never shown).';
  const sessions =
    status.source === 'keychain'
      ? 'Sessions you start here are handed the remembered password.'
      : status.source === 'password-file'
        ? `Sessions you start here use the helper's password file${status.passwordFile ? ` (${status.passwordFile})` : ''}.`
        : 'Sessions you start here have no password: remember it here or set a password file.';
  const scheduled =
    status.scheduledSource === 'password-file'
      ? "Scheduled sessions read the helper's password file."
      : 'Scheduled sessions have no password: set a password file for them.';
  const tone = unusable || status.source === 'none' ? 'warn' : 'ok';
  return { headline, tone, sessions, scheduled };
}

export interface S3CredentialsStatusView {
  headline: string;
  tone: 'ok' | 'warn';
  /** Where sessions started here get the access keys. */
  sessions: string;
  /** Where scheduled sessions get them. */
  scheduled: string;
}

/** What the S3 section says about the access keys; like the password, it never has them to show. */
export function s3CredentialsStatusView(
  status: Pick<PasswordStatus, 's3CredentialsRemembered' | 'keychain'>,
  s3CredentialsFile: string | null,
): S3CredentialsStatusView {
  const remembered = status.s3CredentialsRemembered;
  const usable = remembered && status.keychain.available;
  const headline = !remembered
    ? 'No access keys remembered for this repository.'
    : usable
      ? 'Access keys are remembered for this repository (never shown).'
      : `Access keys are remembered for this repository (never shown), but they cannot be used now: ${status.keychain.reason ?? 'the keychain is unavailable'}`;
  const sessions = usable
    ? 'Sessions you start here are handed the remembered access keys.'
    : s3CredentialsFile !== null
      ? `Sessions you start here use the helper's access keys file (${s3CredentialsFile}).`
      : 'Sessions you start here have no access keys: remember them here or set an access keys file.';
  const scheduled =
    s3CredentialsFile !== null
      ? "Scheduled sessions read the helper's access keys file."
      : 'Scheduled sessions have no access keys: set an access keys file for them.';
  return { headline, tone: usable || s3CredentialsFile !== null ? 'ok' : 'warn', sessions, scheduled };
}
