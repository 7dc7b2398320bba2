/**
 * `backup-manager restore-wizard hosts|sessions|compat|plan|run|rollback|test|test-schedule`: the restore wizard
 * on the command line, over the helper (which reads the repository and writes the restore as root) — the same
 * requests the app's wizard makes. The repository is opened in the helper with the password from
 * BACKUP_MANAGER_PASSWORD or --password-file and closed when the command ends.
 */

import { SettingsGetRequest } from '../../helper-protocol/protocol';
import {
  RestoreCompatibilityRequest,
  RestoreMachinesRequest,
  RestorePlanRequest,
  RestoreRollbackRequest,
  RestoreSessionsRequest,
  RestoreStartRequest,
  RestoreTestRequest,
  RestoreTestScheduleGetRequest,
  RestoreTestScheduleSetRequest,
} from '../../helper-protocol/restore-protocol';
import { optionValue, type ParsedArgs, UsageError } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { helperOptions, helperOptionsUsage, withHelper } from './helper-access';
import { repositoryOptions } from './repository-access';
import { choicesOf, hostOf, sessionOf, withOpenedRepository } from './restore-wizard-access';
import { startAndFollow } from './restore-wizard-follow';
import {
  compatibilityText,
  machinesTable,
  planText,
  sessionsTable,
  testScheduleText,
} from './restore-wizard-format';
import { parseScheduleSpec } from './schedule-commands';

const repositoryUsage = `  --repo PATH                the repository (or BACKUP_MANAGER_REPOSITORY)
  --password-file FILE       its password (or BACKUP_MANAGER_PASSWORD)`;
const sessionUsage = `  --host NAME                the backed-up machine (default: this machine)
  --snapshot ID              the session: a snapshot ID or a unique prefix (default: the latest)`;
const choicesUsage = `  --components A,B           component ids (default: every component of the session)
  --target DIR               restore into this folder (created when missing), e.g. a new disk mounted there
  --apply-to-system          restore onto this system (a rollback backup is taken first) …
  --confirm-hostname NAME    … confirmed with this machine's hostname
  --map-uuid OLD=NEW         use this filesystem for a UUID the configuration names (repeatable)
  --map-disk OLD=NEW         disk layout script: recreate OLD's layout on NEW (repeatable)`;

const sessionOptions = { host: { value: true }, snapshot: { value: true } } as const;
const choiceOptions = {
  components: { value: true },
  target: { value: true },
  'apply-to-system': {},
  'confirm-hostname': { value: true },
  'map-uuid': { value: true, repeat: true },
  'map-disk': { value: true, repeat: true },
} as const;

function noPositionals(args: ParsedArgs, command: string): void {
  if (args.positionals.length > 0)
    throw new UsageError(`restore-wizard ${command} takes no arguments, only options`);
}

const hosts: CliCommand = {
  path: ['restore-wizard', 'hosts'],
  summary: 'Machines with System state sessions in a repository (whatever this machine is called)',
  usage: `Usage: backup-manager restore-wizard hosts --repo PATH [--json]\n\n${repositoryUsage}\n${helperOptionsUsage}`,
  options: { ...repositoryOptions, ...helperOptions },
  async run(args, { out, env }) {
    noPositionals(args, 'hosts');
    const { machines } = await withHelper(args, env, (client) =>
      withOpenedRepository(client, args, env, (handle) =>
        client.request(RestoreMachinesRequest.type, { handle }),
      ),
    );
    out.result({ machines }, () => machinesTable(machines));
    return 0;
  },
};

const sessions: CliCommand = {
  path: ['restore-wizard', 'sessions'],
  summary: "A machine's System state sessions, newest first",
  usage: `Usage: backup-manager restore-wizard sessions --repo PATH [--host NAME] [--json]\n\n${repositoryUsage}\n  --host NAME                the machine (default: this machine)\n${helperOptionsUsage}`,
  options: { ...repositoryOptions, host: { value: true }, ...helperOptions },
  async run(args, { out, env }) {
    noPositionals(args, 'sessions');
    const listed = await withHelper(args, env, (client) =>
      withOpenedRepository(client, args, env, async (handle) => {
        const hostname = await hostOf(client, handle, args);
        return { hostname, ...(await client.request(RestoreSessionsRequest.type, { handle, hostname })) };
      }),
    );
    out.result(listed, () => `${listed.hostname}:\n${sessionsTable(listed.sessions)}`);
    return 0;
  },
};

const compat: CliCommand = {
  path: ['restore-wizard', 'compat'],
  summary: "How a session's machine compares with this one (OS, disks, boot mode, UUIDs, network)",
  usage: `Usage: backup-manager restore-wizard compat --repo PATH [--host NAME] [--snapshot ID] [--json]\n\n${repositoryUsage}\n${sessionUsage}\n${helperOptionsUsage}`,
  options: { ...repositoryOptions, ...sessionOptions, ...helperOptions },
  async run(args, { out, env }) {
    noPositionals(args, 'compat');
    const report = await withHelper(args, env, (client) =>
      withOpenedRepository(client, args, env, async (handle) => {
        const session = await sessionOf(client, handle, args);
        return client.request(RestoreCompatibilityRequest.type, { handle, snapshotId: session.snapshotId });
      }),
    );
    out.result(report, () => compatibilityText(report));
    return 0;
  },
};

const plan: CliCommand = {
  path: ['restore-wizard', 'plan'],
  summary: 'What a restore with these choices would do (nothing is written)',
  usage: `Usage: backup-manager restore-wizard plan --repo PATH [--snapshot ID] (--target DIR | --apply-to-system --confirm-hostname NAME) [options]\n\n${repositoryUsage}\n${sessionUsage}\n${choicesUsage}\n${helperOptionsUsage}`,
  options: { ...repositoryOptions, ...sessionOptions, ...choiceOptions, ...helperOptions },
  async run(args, { out, env }) {
    noPositionals(args, 'plan');
    const planned = await withHelper(args, env, (client) =>
      withOpenedRepository(client, args, env, async (handle) => {
        const session = await sessionOf(client, handle, args);
        return client.request(RestorePlanRequest.type, {
          handle,
          snapshotId: session.snapshotId,
          ...choicesOf(args, session),
        });
      }),
    );
    out.result(planned, () => planText(planned));
    return 0;
  },
};

const run: CliCommand = {
  path: ['restore-wizard', 'run'],
  summary: 'Restore a System state session into a folder or onto this system, and follow it',
  usage: `Usage: backup-manager restore-wizard run --repo PATH [--snapshot ID] (--target DIR | --apply-to-system --confirm-hostname NAME) [options]

Restores the session's components, verifies every restored file against the repository, then (Linux) rewrites
filesystem UUIDs in the restored configuration, enables the recorded services, and lists what is left to do
(missing packages, boot repair, the disk layout script). Onto this system, a rollback backup is taken first.
Ctrl-C cancels the restore (what was written stays).

${repositoryUsage}
${sessionUsage}
${choicesUsage}
  --no-remap                 leave filesystem UUIDs in the restored configuration as recorded
  --no-services              do not enable the recorded services
  --json                     JSON lines: every restore/changed of the job, then a summary
${helperOptionsUsage}
Exit codes: 0 completed, 3 completed with errors, 1 failed or cancelled (with the error code), 2 usage.`,
  options: {
    ...repositoryOptions,
    ...sessionOptions,
    ...choiceOptions,
    'no-remap': {},
    'no-services': {},
    ...helperOptions,
  },
  async run(args, context) {
    noPositionals(args, 'run');
    return withHelper(args, context.env, (client) =>
      withOpenedRepository(client, args, context.env, async (handle) => {
        const session = await sessionOf(client, handle, args);
        const choices = choicesOf(args, session);
        return startAndFollow(
          client,
          async () =>
            (
              await client.request(RestoreStartRequest.type, {
                handle,
                snapshotId: session.snapshotId,
                ...choices,
                remapUuids: !args.flags.has('no-remap'),
                enableServices: !args.flags.has('no-services'),
              })
            ).job,
          context,
        );
      }),
    );
  },
};

const rollback: CliCommand = {
  path: ['restore-wizard', 'rollback'],
  summary: 'Undo a restore applied to this system (its rollback snapshot back, what it created removed)',
  usage: `Usage: backup-manager restore-wizard rollback --repo PATH --job ID --confirm-hostname NAME [--json]

${repositoryUsage}
  --job ID                   the restore job that was applied to this system (restore-wizard run printed it)
  --confirm-hostname NAME    this machine's hostname
${helperOptionsUsage}`,
  options: {
    ...repositoryOptions,
    job: { value: true },
    'confirm-hostname': { value: true },
    ...helperOptions,
  },
  async run(args, context) {
    noPositionals(args, 'rollback');
    const jobId = optionValue(args, 'job');
    const confirmHostname = optionValue(args, 'confirm-hostname');
    if (jobId === undefined || !/^[0-9a-f]{32}$/.test(jobId))
      throw new UsageError('which restore? --job ID (32 hex digits, as restore-wizard run printed it)');
    if (confirmHostname === undefined)
      throw new UsageError(
        "a rollback changes this machine: confirm with --confirm-hostname and this machine's hostname",
      );
    return withHelper(args, context.env, (client) =>
      withOpenedRepository(client, args, context.env, (handle) =>
        startAndFollow(
          client,
          async () =>
            (await client.request(RestoreRollbackRequest.type, { handle, jobId, confirmHostname })).job,
          context,
        ),
      ),
    );
  },
};

const test: CliCommand = {
  path: ['restore-wizard', 'test'],
  summary: 'Test restore: the latest System state session into a scratch folder, verified, then removed',
  usage: `Usage: backup-manager restore-wizard test [--repo PATH] [--host NAME] [--json]

Without --repo the helper uses its own repository and password (as scheduled sessions do). Nothing on this
system is changed.

  --repo PATH                another repository (its password: BACKUP_MANAGER_PASSWORD or --password-file)
  --host NAME                another machine's latest session (default: this machine)
${helperOptionsUsage}`,
  options: { ...repositoryOptions, host: { value: true }, ...helperOptions },
  async run(args, context) {
    noPositionals(args, 'test');
    const hostname = optionValue(args, 'host');
    const repository = optionValue(args, 'repo') ?? context.env.BACKUP_MANAGER_REPOSITORY;
    // A password given on this command line opens the helper's own repository too: the helper's password file
    // is then not needed (without one, the helper itself would answer PASSWORD_REQUIRED).
    const passwordGiven =
      optionValue(args, 'password-file') !== undefined ||
      context.env.BACKUP_MANAGER_PASSWORD_FILE !== undefined ||
      (context.env.BACKUP_MANAGER_PASSWORD ?? '') !== '';
    return withHelper(args, context.env, async (client) => {
      const startTest = (handle?: string) =>
        startAndFollow(
          client,
          async () =>
            (
              await client.request(RestoreTestRequest.type, {
                ...(handle === undefined ? {} : { handle }),
                ...(hostname === undefined ? {} : { hostname }),
              })
            ).job,
          context,
        );
      if (repository !== undefined)
        return withOpenedRepository(client, args, context.env, (handle) => startTest(handle));
      const own = passwordGiven
        ? (await client.request(SettingsGetRequest.type, {})).settings.repository
        : null;
      if (own === null) return startTest();
      const withOwn: ParsedArgs = { ...args, options: new Map([...args.options, ['repo', [own]]]) };
      return withOpenedRepository(client, withOwn, context.env, (handle) => startTest(handle));
    });
  },
};

const testSchedule: CliCommand = {
  path: ['restore-wizard', 'test-schedule'],
  summary: 'Show or set when the helper runs a test restore on its own',
  usage: `Usage: backup-manager restore-wizard test-schedule [--daily HH:MM | --weekly DAYS --at HH:MM | --off] [--json]

Without options, shows the schedule and the last test restore.
${helperOptionsUsage}`,
  options: {
    daily: { value: true },
    weekly: { value: true },
    at: { value: true },
    off: {},
    ...helperOptions,
  },
  async run(args, { out, env }) {
    noPositionals(args, 'test-schedule');
    const setting = ['daily', 'weekly', 'at'].some((o) => args.options.has(o)) || args.flags.has('off');
    const { schedule } = await withHelper(args, env, (client) =>
      setting
        ? client.request(RestoreTestScheduleSetRequest.type, { spec: parseScheduleSpec(args) })
        : client.request(RestoreTestScheduleGetRequest.type, {}),
    );
    out.result({ schedule }, () => testScheduleText(schedule));
    return 0;
  },
};

export const restoreWizardCommands: readonly CliCommand[] = [
  hosts,
  sessions,
  compat,
  plan,
  run,
  rollback,
  test,
  testSchedule,
];
