/**
 * What the `restore-wizard` commands share: the repository opened in the helper (restore/open with the password
 * from BACKUP_MANAGER_PASSWORD or --password-file, closed again when the command ends), the machine and the
 * session they name (`--host`, `--snapshot` with a unique prefix resolved against restore/sessions), and the
 * restore choices (`--components`, `--target` or `--apply-to-system --confirm-hostname`, `--map-uuid`,
 * `--map-disk`).
 */
import path from 'node:path';
import type { z } from 'zod';
import type { HelperClient } from '../../helper-client/helper-client';
import type { RestoreSessionEntry, RestoreTarget } from '../../helper-protocol/restore-model';
import {
  RestoreCloseRequest,
  RestoreMachinesRequest,
  RestoreOpenRequest,
  RestoreSessionsRequest,
  type restorePlanParamsSchema,
} from '../../helper-protocol/restore-protocol';
import { optionValue, type ParsedArgs, UsageError } from '../cli-args';
import { CliError } from '../cli-command';
import { s3KeysToHandOver } from './location-argument';
import { readPassword, repositoryLocation } from './repository-access';

export type RestoreChoices = Omit<z.infer<typeof restorePlanParamsSchema>, 'handle' | 'snapshotId'>;

/** Opens the repository of --repo in the helper, runs `use` with its handle, and closes it whatever happened. */
export async function withOpenedRepository<T>(
  client: HelperClient,
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  use: (handle: string) => Promise<T>,
): Promise<T> {
  const repository = repositoryLocation(args, env);
  const password = await readPassword(args, env);
  const s3Credentials = s3KeysToHandOver(repository, env);
  const { handle } = await client.request(RestoreOpenRequest.type, {
    repository,
    password,
    ...(s3Credentials === undefined ? {} : { s3Credentials }),
  });
  try {
    return await use(handle);
  } finally {
    await client.request(RestoreCloseRequest.type, { handle }).catch(() => undefined);
  }
}

/** `--host NAME`, else the machine the helper calls itself (when it has sessions in the repository). */
export async function hostOf(client: HelperClient, handle: string, args: ParsedArgs): Promise<string> {
  const given = optionValue(args, 'host');
  if (given !== undefined) return given;
  const { machines } = await client.request(RestoreMachinesRequest.type, { handle });
  const self = machines.find((m) => m.isThisMachine);
  if (self !== undefined) return self.hostname;
  throw new UsageError(
    `which machine? --host NAME (this machine has no System state sessions here; the repository has ${
      machines.map((m) => m.hostname).join(', ') || 'none'
    })`,
  );
}

/**
 * The session `--snapshot` names: a unique prefix of a snapshot ID (or `latest`, the default: the newest session
 * that is not a rollback point) among the sessions of --host, or of every machine when no host is given.
 */
export async function sessionOf(
  client: HelperClient,
  handle: string,
  args: ParsedArgs,
): Promise<RestoreSessionEntry> {
  const wanted = (optionValue(args, 'snapshot') ?? 'latest').toLowerCase();
  if (wanted !== 'latest' && !/^[0-9a-f]{4,64}$/.test(wanted))
    throw new UsageError(
      `--snapshot takes a snapshot ID or a unique prefix of one (4+ hex digits), or latest`,
    );
  const hosts =
    optionValue(args, 'host') !== undefined || wanted === 'latest'
      ? [await hostOf(client, handle, args)]
      : (await client.request(RestoreMachinesRequest.type, { handle })).machines.map((m) => m.hostname);
  const sessions: RestoreSessionEntry[] = [];
  for (const hostname of hosts)
    sessions.push(...(await client.request(RestoreSessionsRequest.type, { handle, hostname })).sessions);
  if (wanted === 'latest') {
    const latest = sessions.find((s) => !s.rollback);
    if (latest === undefined)
      throw new CliError('NO_SESSION', `${hosts[0]} has no System state session in this repository`);
    return latest;
  }
  const matches = sessions.filter((s) => s.snapshotId.startsWith(wanted));
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length === 0)
    throw new CliError(
      'SNAPSHOT_NOT_FOUND',
      `no System state session ${wanted} ${hosts.length === 1 ? `of ${hosts[0]}` : 'in this repository'} (restore-wizard sessions lists them)`,
    );
  throw new CliError(
    'AMBIGUOUS_SNAPSHOT',
    `${wanted} matches ${matches.length} sessions (${matches.map((s) => s.shortId).join(', ')}): give more digits`,
  );
}

/** `OLD=NEW` pairs of a repeatable option. */
function pairsOf(
  args: ParsedArgs,
  option: string,
  check: (side: string) => boolean,
  what: string,
): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const value of args.options.get(option) ?? []) {
    const [from, to, ...rest] = value.split('=');
    if (from === undefined || to === undefined || rest.length > 0 || !check(from) || !check(to))
      throw new UsageError(`--${option} takes OLD=NEW (${what}), not ${JSON.stringify(value)}`);
    if (from in pairs) throw new UsageError(`--${option} names ${from} twice`);
    pairs[from] = to;
  }
  return pairs;
}

/** The target, components and mappings of plan and run. */
export function choicesOf(args: ParsedArgs, session: RestoreSessionEntry): RestoreChoices {
  const folder = optionValue(args, 'target');
  const toSystem = args.flags.has('apply-to-system');
  const confirm = optionValue(args, 'confirm-hostname');
  if ((folder === undefined) === !toSystem)
    throw new UsageError('where to? --target DIR (a folder), or --apply-to-system --confirm-hostname NAME');
  if (toSystem && confirm === undefined)
    throw new UsageError(
      "--apply-to-system changes this machine: confirm with --confirm-hostname and this machine's hostname",
    );
  if (!toSystem && confirm !== undefined)
    throw new UsageError('--confirm-hostname goes with --apply-to-system');
  const target: RestoreTarget =
    folder !== undefined
      ? { kind: 'folder', path: path.resolve(folder) }
      : { kind: 'system', confirmHostname: confirm ?? '' };
  const listed = optionValue(args, 'components');
  const components =
    listed === undefined
      ? session.components.map((c) => c.id)
      : [
          ...new Set(
            listed
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean),
          ),
        ];
  if (components.length === 0) throw new UsageError('--components needs at least one component id');
  const uuidOverrides = pairsOf(args, 'map-uuid', (s) => /^[0-9A-Fa-f-]{4,64}$/.test(s), 'filesystem UUIDs');
  const diskMap = pairsOf(
    args,
    'map-disk',
    (s) => s.startsWith('/dev/'),
    'disks such as /dev/sda=/dev/nvme0n1',
  );
  return {
    components,
    target,
    ...(Object.keys(uuidOverrides).length > 0 ? { uuidOverrides } : {}),
    ...(Object.keys(diskMap).length > 0 ? { diskMap } : {}),
  };
}
