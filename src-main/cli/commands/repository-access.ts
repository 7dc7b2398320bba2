/**
 * How engine commands find and open a repository: `--repo LOCATION` or BACKUP_MANAGER_REPOSITORY, in restic's
 * notation (a path, `sftp:user@host:/path`, `sftp://user@host:port//path`; see repository-url.ts), and the
 * password from BACKUP_MANAGER_PASSWORD or `--password-file` (never from the command line, where other users could
 * read it in the process list).
 *
 * SFTP: the key from `--ssh-key FILE` or BACKUP_MANAGER_SSH_KEY, else the first of ~/.ssh/id_ed25519, id_ecdsa,
 * id_rsa, else the SSH agent (SSH_AUTH_SOCK); the host key must be in BACKUP_MANAGER_KNOWN_HOSTS (default
 * ~/.ssh/known_hosts) — an unknown host is refused with HOST_KEY_MISMATCH, showing its fingerprint.
 *
 * S3 (`s3:https://host[:port]/bucket[/prefix]`): keys and region from the AWS variables or profile (s3-access.ts).
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import type { Backend } from '../../engine/backend/backend';
import { LocalBackend } from '../../engine/backend/local-backend';
import { parseRepositoryLocation } from '../../engine/backend/repository-url';
import { readKnownHosts, SftpBackend } from '../../engine/backend/sftp-backend';
import { isEngineError } from '../../engine/errors';
import { Repository } from '../../engine/repository/repository';
import { optionValue, type ParsedArgs } from '../cli-args';
import { CliError } from '../cli-command';

export const repositoryOptions = {
  repo: { value: true, short: 'r' },
  'password-file': { value: true },
  'ssh-key': { value: true },
} as const;

export function repositoryLocation(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const location = optionValue(args, 'repo') ?? env.BACKUP_MANAGER_REPOSITORY;
  if (!location) {
    throw new CliError('USAGE', 'no repository given: use --repo PATH or set BACKUP_MANAGER_REPOSITORY', 2);
  }
  try {
    const parsed = parseRepositoryLocation(location);
    return parsed.kind === 'local' ? path.resolve(parsed.path) : location;
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT')) throw new CliError('USAGE', error.message, 2);
    throw error;
  }
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

export async function openBackend(
  location: string,
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
): Promise<Backend> {
  const parsed = parseRepositoryLocation(location);
  let backend: Backend;
  if (parsed.kind === 'local') {
    backend = new LocalBackend(parsed.path);
  } else if (parsed.kind === 'sftp') {
    const keyFile = optionValue(args, 'ssh-key') ?? env.BACKUP_MANAGER_SSH_KEY ?? defaultKeyFile();
    const knownHostsFile = env.BACKUP_MANAGER_KNOWN_HOSTS ?? path.join(homedir(), '.ssh', 'known_hosts');
    const agent = keyFile === undefined ? env.SSH_AUTH_SOCK : undefined;
    if (keyFile === undefined && agent === undefined) {
      throw new CliError(
        'USAGE',
        'no SSH key: use --ssh-key FILE, set BACKUP_MANAGER_SSH_KEY, or run an ssh-agent',
        2,
      );
    }
    backend = new SftpBackend({
      host: parsed.host,
      port: parsed.port,
      user: parsed.user ?? userInfo().username,
      path: parsed.path,
      ...(keyFile !== undefined ? { privateKey: await readKeyFile(keyFile) } : {}),
      ...(agent !== undefined ? { agent } : {}),
      knownHosts: await readKnownHosts(knownHostsFile),
    });
  } else {
    const { openS3Backend } = await import('./s3-access');
    backend = openS3Backend(parsed, env);
  }
  openBackends.add(backend);
  return backend;
}

function defaultKeyFile(): string | undefined {
  const dir = path.join(homedir(), '.ssh');
  return ['id_ed25519', 'id_ecdsa', 'id_rsa']
    .map((name) => path.join(dir, name))
    .find((file) => existsSync(file));
}

async function readKeyFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError('IO_ERROR', `cannot read the SSH key ${file}: ${(error as Error).message}`);
  }
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
  return Repository.open(await openBackend(location, args, env), password);
}
