/**
 * `backup-manager helper-settings get|set`: the settings the helper owns — the repository its sessions write to,
 * the snapshot location, the password file scheduled and restarted sessions read, and the retention applied after
 * each completed session. The password itself is never a setting: only the path of a root-owned 0600 file.
 */
import path from 'node:path';
import { SettingsGetRequest, SettingsSetRequest } from '../../helper-protocol/protocol';
import type { HelperSettings, Retention } from '../../helper-protocol/session-model';
import { optionValue, type ParsedArgs, UsageError } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { helperOptions, helperOptionsUsage, withHelper } from './helper-access';
import { locationArgument } from './location-argument';

const retentionOptions = {
  'keep-last': 'keepLast',
  'keep-daily': 'keepDaily',
  'keep-weekly': 'keepWeekly',
  'keep-monthly': 'keepMonthly',
} as const satisfies Record<string, keyof Retention>;

function settingsText(settings: HelperSettings): string {
  const retention = settings.retention
    ? Object.entries(retentionOptions)
        .flatMap(([option, key]) =>
          settings.retention?.[key] ? [`--${option} ${settings.retention[key]}`] : [],
        )
        .join(' ')
    : 'keep everything';
  return [
    `repository         ${settings.repository ?? '(not set)'}`,
    `snapshot location  ${settings.snapshotLocation ?? '(default: the system drive)'}`,
    `password file      ${settings.passwordFile ?? '(none: sessions need the password handed over)'}`,
    `retention          ${retention}`,
    `SSH key file       ${settings.sshKeyFile ?? '(none: ~/.ssh keys of the helper, or its ssh-agent)'}`,
    `S3 keys file       ${settings.s3CredentialsFile ?? '(none: keys handed over by the app, or AWS_* of the helper)'}`,
    ...settings.trustedHostKeys.map(
      (entry) => `trusted host key   ${entry.host}:${entry.port} ${entry.fingerprint}`,
    ),
  ].join('\n');
}

/** The options given, as a settings patch; `none` clears a path setting. */
export function parseSettingsPatch(args: ParsedArgs): Partial<HelperSettings> {
  if (args.positionals.length > 0)
    throw new UsageError('helper-settings set takes no arguments, only options');
  const patch: Partial<HelperSettings> = {};
  const pathSetting = (option: string): string | null | undefined => {
    const value = optionValue(args, option);
    if (value === undefined) return undefined;
    return value === 'none' ? null : path.resolve(value);
  };
  const repositoryText = optionValue(args, 'repo');
  if (repositoryText !== undefined)
    patch.repository = repositoryText === 'none' ? null : locationArgument(repositoryText);
  const sshKeyFile = pathSetting('ssh-key-file');
  if (sshKeyFile !== undefined) patch.sshKeyFile = sshKeyFile;
  const s3CredentialsFile = pathSetting('s3-credentials-file');
  if (s3CredentialsFile !== undefined) patch.s3CredentialsFile = s3CredentialsFile;
  const location = pathSetting('snapshot-location');
  if (location !== undefined) patch.snapshotLocation = location;
  const passwordFile = pathSetting('password-file');
  if (passwordFile !== undefined) patch.passwordFile = passwordFile;
  if (args.flags.has('keep-all')) patch.retention = null;
  const retention: Retention = {};
  for (const [option, key] of Object.entries(retentionOptions)) {
    const value = optionValue(args, option);
    if (value === undefined) continue;
    if (!/^[1-9]\d*$/.test(value))
      throw new UsageError(`--${option} needs a positive number, not ${JSON.stringify(value)}`);
    retention[key] = Number(value);
  }
  if (Object.keys(retention).length > 0) {
    if (args.flags.has('keep-all')) throw new UsageError('--keep-all cannot go with --keep-* rules');
    patch.retention = retention;
  }
  if (Object.keys(patch).length === 0)
    throw new UsageError('nothing to set: give at least one option (see --help)');
  return patch;
}

const settingsGet: CliCommand = {
  path: ['helper-settings', 'get'],
  summary: "Show the helper's settings (repository, snapshot location, password file, retention)",
  usage: `Usage: backup-manager helper-settings get [--json]\n\n${helperOptionsUsage}`,
  options: { ...helperOptions },
  async run(args, { out, env }) {
    if (args.positionals.length > 0)
      throw new UsageError('helper-settings get takes no arguments, only options');
    const { settings } = await withHelper(args, env, (client) => client.request(SettingsGetRequest.type, {}));
    out.result({ settings }, () => settingsText(settings));
    return 0;
  },
};

const settingsSet: CliCommand = {
  path: ['helper-settings', 'set'],
  summary: "Change the helper's settings; the helper validates them before saving",
  usage: `Usage: backup-manager helper-settings set [options]

  --repo LOCATION            the repository sessions write to: a path, sftp:user@host:/path,
                             sftp://user@host:port//path or s3:https://host/bucket/prefix (none: unset)
  --ssh-key-file PATH        SFTP: root-owned private key (mode 0600, no passphrase) the helper logs in with
  --s3-credentials-file PATH S3: root-owned file (mode 0600) with AWS_ACCESS_KEY_ID= and
                             AWS_SECRET_ACCESS_KEY= lines, for scheduled and restarted sessions
  --snapshot-location PATH   where snapshots and staging folders go (none: the system drive)
  --password-file PATH       root-owned file with mode 0600 holding the repository password, for scheduled and
                             restarted sessions (none: unset)
  --keep-last N, --keep-daily N, --keep-weekly N, --keep-monthly N
                             retention applied (forget, not prune) after each completed session
  --keep-all                 no retention
${helperOptionsUsage}`,
  options: {
    ...helperOptions,
    repo: { value: true },
    'snapshot-location': { value: true },
    'password-file': { value: true },
    'ssh-key-file': { value: true },
    's3-credentials-file': { value: true },
    'keep-last': { value: true },
    'keep-daily': { value: true },
    'keep-weekly': { value: true },
    'keep-monthly': { value: true },
    'keep-all': {},
  },
  async run(args, { out, env }) {
    const patch = parseSettingsPatch(args);
    const { settings } = await withHelper(args, env, (client) =>
      client.request(SettingsSetRequest.type, patch),
    );
    out.result({ settings }, () => settingsText(settings));
    return 0;
  },
};

export const helperSettingsCommands: readonly CliCommand[] = [settingsGet, settingsSet];
