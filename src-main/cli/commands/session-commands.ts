/**
 * `backup-manager session start|list|show|log|cancel`: backup sessions, which the helper (the root service) runs.
 * These commands only ask it: they work without root and without the repository password when the helper has
 * its own password file.
 */
import path from 'node:path';
import {
  SessionCancelRequest,
  SessionListRequest,
  SessionLogRequest,
  SessionShowRequest,
  SessionStartRequest,
} from '../../helper-protocol/protocol';
import {
  isTerminalStatus,
  type LogLevel,
  logLevels,
  type SessionSource,
  type SessionStatus,
  sessionIdSchema,
  sessionSources,
  sessionStatuses,
  sessionStatusLabels,
} from '../../helper-protocol/session-model';
import { optionValue, type ParsedArgs, UsageError } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { helperOptions, helperOptionsUsage, withHelper } from './helper-access';
import { locationArgument, s3KeysToHandOver } from './location-argument';
import { readPassword } from './repository-access';
import { followLog, type SessionStartParams, startAndWait, startedText } from './session-follow';
import { logLine, sessionDetailText, sessionTable } from './session-format';

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  option: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
}

function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${option} needs a positive whole number`);
  return Number(value);
}

/** The session named by the one positional argument. */
function sessionIdOf(args: ParsedArgs): string {
  const [id, ...rest] = args.positionals;
  if (id === undefined)
    throw new UsageError('which session? give its ID (backup-manager session list shows them)');
  if (rest.length > 0) throw new UsageError('give one session ID');
  if (!sessionIdSchema.safeParse(id).success) {
    throw new UsageError(`${JSON.stringify(id)} is not a session ID (they look like 20261125-023000-1a2b3c)`);
  }
  return id;
}

/**
 * The password only when the user gave one (BACKUP_MANAGER_PASSWORD, --password-file, BACKUP_MANAGER_PASSWORD_FILE):
 * otherwise the helper uses its own password file, and a missing password is its PASSWORD_REQUIRED to report.
 */
async function givenPassword(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const given =
    optionValue(args, 'password-file') || env.BACKUP_MANAGER_PASSWORD_FILE || env.BACKUP_MANAGER_PASSWORD;
  return given ? readPassword(args, env) : undefined;
}

export async function startParamsOf(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<SessionStartParams> {
  if (args.positionals.length > 0) throw new UsageError('session start takes no arguments, only options');
  const source = oneOf<SessionSource>(optionValue(args, 'source'), sessionSources, 'source');
  if (source === undefined) throw new UsageError(`which data source? --source ${sessionSources.join('|')}`);
  const paths = (args.options.get('path') ?? []).map((p) => path.resolve(p));
  if (source === 'files' && paths.length === 0)
    throw new UsageError('--source files needs --path P (one or more)');
  if (source === 'system-state' && paths.length > 0) {
    throw new UsageError('System state backs up its own components; --path is for --source files');
  }
  const excludes = args.options.get('exclude') ?? [];
  if (source === 'system-state' && excludes.length > 0)
    throw new UsageError('--exclude is for --source files (System state backs up its components whole)');
  const given = optionValue(args, 'repo');
  const repository = given === undefined ? undefined : locationArgument(given);
  const password = await givenPassword(args, env);
  // Only with the repository named here: keys must not go to whatever repository the helper has set.
  const s3Credentials = s3KeysToHandOver(repository, env);
  return {
    source,
    ...(paths.length > 0 ? { paths } : {}),
    ...(excludes.length > 0 ? { excludes: [...excludes] } : {}),
    ...(repository === undefined ? {} : { repository }),
    ...(password === undefined ? {} : { password }),
    ...(s3Credentials === undefined ? {} : { s3Credentials }),
  };
}

const sessionStart: CliCommand = {
  path: ['session', 'start'],
  summary: 'Start a backup session in the helper (with --wait: follow it to its end)',
  usage: `Usage: backup-manager session start --source system-state|files [--path P…] [--repo PATH] [--wait] [options]

Asks the helper to run a session now. Without --repo the helper's repository setting is used. The password is
given only when set (BACKUP_MANAGER_PASSWORD, --password-file FILE); otherwise the helper uses its own password
file. If a session of that data source is already running, that one is returned (and followed with --wait).

Options:
  --source SOURCE            system-state or files
  --path P                   files source: what to back up (repeatable)
  --exclude PATTERN          files source: leave out matching entries (repeatable; * ? ** [..], / anchors)
  --repo PATH                the repository for this session (default: the helper's setting)
  --password-file FILE       the repository password, from a file
  --wait                     follow the session: progress, phase changes, the result; Ctrl-C stops following
                             (the session keeps running in the helper)
  --json                     JSON lines: started, changed, progress, and a summary
${helperOptionsUsage}
Exit codes with --wait: 0 completed, 3 completed with errors, 1 failed, aborted, not started or no selection,
130 stopped following (Ctrl-C); 2 usage.`,
  options: {
    source: { value: true },
    path: { value: true, repeat: true },
    exclude: { value: true, repeat: true },
    repo: { value: true, short: 'r' },
    'password-file': { value: true },
    wait: {},
    ...helperOptions,
  },
  async run(args, context) {
    const params = await startParamsOf(args, context.env);
    return withHelper(args, context.env, async (client) => {
      if (args.flags.has('wait')) return startAndWait(client, params, context);
      const { session, created } = await client.request(SessionStartRequest.type, params);
      context.out.result({ type: 'started', created, session }, () =>
        [
          startedText(session, created),
          `  follow it: backup-manager session log ${session.id} --follow`,
        ].join('\n'),
      );
      return 0;
    });
  },
};

const sessionList: CliCommand = {
  path: ['session', 'list'],
  summary: 'List backup sessions, newest first',
  usage: `Usage: backup-manager session list [--source SOURCE] [--status STATUS] [--limit N] [--json]

  --source SOURCE            only sessions of ${sessionSources.join(' or ')}
  --status STATUS            only sessions with this status (${sessionStatuses.join(', ')})
  --limit N                  at most N sessions
${helperOptionsUsage}`,
  options: { source: { value: true }, status: { value: true }, limit: { value: true }, ...helperOptions },
  async run(args, { out, env }) {
    if (args.positionals.length > 0) throw new UsageError('session list takes no arguments, only options');
    const source = oneOf<SessionSource>(optionValue(args, 'source'), sessionSources, 'source');
    const status = oneOf<SessionStatus>(optionValue(args, 'status'), sessionStatuses, 'status');
    const limit = positiveInt(optionValue(args, 'limit'), 'limit');
    const { sessions } = await withHelper(args, env, (client) =>
      client.request(SessionListRequest.type, {
        ...(source ? { source } : {}),
        ...(status ? { status } : {}),
        ...(limit ? { limit } : {}),
      }),
    );
    out.result({ sessions }, () => sessionTable(sessions));
    return 0;
  },
};

const sessionShow: CliCommand = {
  path: ['session', 'show'],
  summary: 'Show a session: status, failure and what to check, attempts and every transition',
  usage: `Usage: backup-manager session show ID [--json]\n\n${helperOptionsUsage}`,
  options: { ...helperOptions },
  async run(args, { out, env }) {
    const id = sessionIdOf(args);
    const { session } = await withHelper(args, env, (client) =>
      client.request(SessionShowRequest.type, { id }),
    );
    out.result({ session }, () => sessionDetailText(session));
    return 0;
  },
};

const sessionLog: CliCommand = {
  path: ['session', 'log'],
  summary: "Print a session's log (with --follow: until the session ends)",
  usage: `Usage: backup-manager session log ID [--level LEVEL] [--limit N] [--follow] [--json]

  --level LEVEL              only entries of this level or above (${logLevels.join(', ')})
  --limit N                  at most N entries (not with --follow)
  --follow                   keep printing new entries until the session ends; Ctrl-C stops following
  --json                     one document {entries}; with --follow one JSON line per entry
${helperOptionsUsage}`,
  options: { level: { value: true }, limit: { value: true }, follow: {}, ...helperOptions },
  async run(args, context) {
    const id = sessionIdOf(args);
    const minLevel = oneOf<LogLevel>(optionValue(args, 'level'), logLevels, 'level');
    const limit = positiveInt(optionValue(args, 'limit'), 'limit');
    const follow = args.flags.has('follow');
    if (follow && limit !== undefined) throw new UsageError('--limit cannot be used with --follow');
    return withHelper(args, context.env, async (client) => {
      if (follow) return followLog(client, id, minLevel, context);
      const { entries } = await client.request(SessionLogRequest.type, {
        id,
        ...(minLevel ? { minLevel } : {}),
        ...(limit ? { limit } : {}),
      });
      context.out.result({ entries }, () =>
        entries.length === 0 ? 'no log entries' : entries.map(logLine).join('\n'),
      );
      return 0;
    });
  },
};

const sessionCancel: CliCommand = {
  path: ['session', 'cancel'],
  summary: 'Cancel a session (it ends Aborted once its cleanup ran)',
  usage: `Usage: backup-manager session cancel ID [--json]\n\n${helperOptionsUsage}`,
  options: { ...helperOptions },
  async run(args, { out, env }) {
    const id = sessionIdOf(args);
    const { session } = await withHelper(args, env, (client) =>
      client.request(SessionCancelRequest.type, { id }),
    );
    const ended = isTerminalStatus(session.status);
    out.result({ session }, () =>
      ended
        ? `session ${id} had already ended: ${sessionStatusLabels[session.status]}`
        : `cancelling session ${id}: it ends Aborted once its cleanup ran (backup-manager session show ${id})`,
    );
    return 0;
  },
};

export const sessionCommands: readonly CliCommand[] = [
  sessionStart,
  sessionList,
  sessionShow,
  sessionLog,
  sessionCancel,
];
