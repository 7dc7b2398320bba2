/** `backup-manager key list|add|remove|passwd`: the passwords (key files) that open a repository. */
import { readFile } from 'node:fs/promises';
import { withLock } from '../../engine/lock/repository-lock';
import { optionValue, type ParsedArgs } from '../cli-args';
import { type CliCommand, CliError } from '../cli-command';
import { openRepository, repositoryOptions } from './repository-access';

const keyList: CliCommand = {
  path: ['key', 'list'],
  summary: 'List the keys (passwords) of a repository',
  usage: 'Usage: backup-manager key list --repo PATH [--json]',
  options: { ...repositoryOptions },
  async run(args, { out, env }) {
    const keys = await (await openRepository(args, env)).listKeys();
    out.result(keys, () =>
      keys
        .map(
          (k) =>
            `${k.current ? '*' : ' '} ${k.id.slice(0, 8)}  ${k.username ?? ''}@${k.hostname ?? ''}  ${k.created ?? ''}`,
        )
        .join('\n'),
    );
    return 0;
  },
};

/** The new password from --new-password-file (one line; a trailing newline is not part of it). */
async function newPassword(args: ParsedArgs): Promise<string> {
  const file = optionValue(args, 'new-password-file');
  if (!file) throw new CliError('USAGE', 'give the new password in a file: --new-password-file FILE', 2);
  const password = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (password.length === 0) throw new CliError('USAGE', 'an empty password is not allowed', 2);
  return password;
}

const keyAdd: CliCommand = {
  path: ['key', 'add'],
  summary: 'Add a password that opens the repository',
  usage: 'Usage: backup-manager key add --repo PATH --new-password-file FILE [--json]',
  options: { ...repositoryOptions, 'new-password-file': { value: true } },
  async run(args, { out, env }) {
    const password = await newPassword(args);
    const id = await (await openRepository(args, env)).addKey(password);
    out.result({ id }, () => `saved new key ${id.slice(0, 8)}`);
    return 0;
  },
};

const keyRemove: CliCommand = {
  path: ['key', 'remove'],
  summary: 'Remove a key (not the one in use)',
  usage: 'Usage: backup-manager key remove --repo PATH ID',
  options: { ...repositoryOptions },
  async run(args, { out, env }) {
    const [prefix] = args.positionals;
    if (!prefix) throw new CliError('USAGE', 'which key? give its ID or a unique prefix', 2);
    const repository = await openRepository(args, env);
    const matches = (await repository.listKeys()).filter((k) => k.id.startsWith(prefix));
    if (matches.length !== 1) {
      throw new CliError(
        matches.length === 0 ? 'NOT_FOUND' : 'USAGE',
        `${matches.length === 0 ? 'no' : 'more than one'} key matches ${prefix}`,
      );
    }
    const [key] = matches;
    if (key === undefined) return 1;
    await repository.removeKey(key.id);
    out.result({ removed: key.id }, () => `removed key ${key.id.slice(0, 8)}`);
    return 0;
  },
};

const keyPasswd: CliCommand = {
  path: ['key', 'passwd'],
  summary: 'Change the password in use (a new key replaces the current one)',
  usage: 'Usage: backup-manager key passwd --repo PATH --new-password-file FILE [--json]',
  options: { ...repositoryOptions, 'new-password-file': { value: true } },
  async run(args, { out, env, signal }) {
    const password = await newPassword(args);
    const repository = await openRepository(args, env);
    // As restic: under an exclusive lock (the new key is written before the old one is removed).
    const { added, removed } = await withLock(
      repository,
      { exclusive: true, signal, onWarning: (m) => out.warn(m) },
      () => repository.changePassword(password),
    );
    out.result(
      { added, removed },
      () => `saved new key ${added.slice(0, 8)}, removed key ${removed.slice(0, 8)}`,
    );
    return 0;
  },
};

export const keyCommands: readonly CliCommand[] = [keyList, keyAdd, keyRemove, keyPasswd];
