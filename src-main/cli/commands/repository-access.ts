/**
 * How engine commands find and open a repository: `--repo PATH` or BACKUP_MANAGER_REPOSITORY, and the password
 * from BACKUP_MANAGER_PASSWORD or `--password-file` (never from the command line, where other users could read it
 * in the process list).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Backend } from '../../engine/backend/backend';
import { LocalBackend } from '../../engine/backend/local-backend';
import { Repository } from '../../engine/repository/repository';
import { optionValue, type ParsedArgs } from '../cli-args';
import { CliError } from '../cli-command';

export const repositoryOptions = {
  repo: { value: true, short: 'r' },
  'password-file': { value: true },
} as const;

export function repositoryLocation(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const location = optionValue(args, 'repo') ?? env.BACKUP_MANAGER_REPOSITORY;
  if (!location) {
    throw new CliError('USAGE', 'no repository given: use --repo PATH or set BACKUP_MANAGER_REPOSITORY', 2);
  }
  return path.resolve(location);
}

export async function readPassword(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<string> {
  const file = optionValue(args, 'password-file') ?? env.BACKUP_MANAGER_PASSWORD_FILE;
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError('IO_ERROR', `cannot read the password file ${file}: ${(error as Error).message}`);
    }
    // A trailing newline is how editors save files; it is not part of the password (restic does the same).
    return text.replace(/\r?\n$/, '');
  }
  const password = env.BACKUP_MANAGER_PASSWORD;
  // An empty variable is a forgotten one, not a password (restic refuses empty passwords too).
  if (password === undefined || password === '') {
    throw new CliError('USAGE', 'no password: set BACKUP_MANAGER_PASSWORD or use --password-file FILE', 2);
  }
  return password;
}

/** Backends opened by the running command; the CLI runner closes them when the command ends (closeBackends). */
const openBackends = new Set<Backend>();

export function openBackend(location: string): Backend {
  const backend = new LocalBackend(location);
  openBackends.add(backend);
  return backend;
}

/** Closes every backend the command opened (cached read handles), whatever way the command ended. */
export async function closeBackends(): Promise<void> {
  const backends = [...openBackends];
  openBackends.clear();
  await Promise.all(backends.map((backend) => backend.close().catch(() => undefined)));
}

export async function openRepository(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<Repository> {
  const location = repositoryLocation(args, env);
  const password = await readPassword(args, env);
  return Repository.open(openBackend(location), password);
}
