/** `backup-manager snapshot-location list|get|set PATH [--json]`. */

import { formatBytes } from '../../system-state/format-bytes';
import { UsageError } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { systemStateFor } from './system-state-context';

export const snapshotLocationListCommand: CliCommand = {
  path: ['snapshot-location', 'list'],
  summary: 'List the local drives that can hold the snapshot location',
  usage: 'Usage: backup-manager snapshot-location list [--json]',
  options: {},
  async run(_args, { out, env }) {
    const result = await systemStateFor(env).candidates();
    out.result(result, () =>
      [
        `Current: ${result.current} (${result.source}); default: ${result.default}`,
        ...result.candidates.map(
          (c) =>
            `  ${c.path.padEnd(24)} ${c.fsType.padEnd(6)} ${formatBytes(c.freeBytes).padStart(10)} free of ${formatBytes(c.totalBytes)}${c.isSystemDrive ? '  [system disk]' : ''}\n      snapshot data: ${c.snapshotData.possible ? 'yes' : 'no'} — ${c.snapshotData.reason}`,
        ),
      ].join('\n'),
    );
    return 0;
  },
};

export const snapshotLocationGetCommand: CliCommand = {
  path: ['snapshot-location', 'get'],
  summary: 'Show the snapshot location (saved choice or the system disk default)',
  usage: 'Usage: backup-manager snapshot-location get [--json]',
  options: {},
  async run(_args, { out, env }) {
    const result = await systemStateFor(env).location();
    out.result(result, () => `${result.location} (${result.source})`);
    return 0;
  },
};

export const snapshotLocationSetCommand: CliCommand = {
  path: ['snapshot-location', 'set'],
  summary: 'Validate and save the snapshot location (exists, local, writable, enough free space)',
  usage: 'Usage: backup-manager snapshot-location set PATH [--json]',
  options: {},
  async run(args, { out, env }) {
    const [target, ...extra] = args.positionals;
    if (target === undefined || extra.length > 0) throw new UsageError('give exactly one PATH');
    const result = await systemStateFor(env).setLocation(target);
    out.result(result, () => `Snapshot location set to ${result.location}`);
    return 0;
  },
};

export const snapshotLocationCommands: readonly CliCommand[] = [
  snapshotLocationListCommand,
  snapshotLocationGetCommand,
  snapshotLocationSetCommand,
];
