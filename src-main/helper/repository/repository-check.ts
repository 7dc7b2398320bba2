/**
 * The troubleshooting check "Repository reachable": the repository of the helper settings, reached the way a
 * session reaches it (repository-backends.ts). For SFTP the host key is looked at first, so an unknown or changed
 * key is shown with its fingerprint and what to compare it with, before any login is tried. Nothing here needs
 * the repository password: it proves the storage, the login and the repository's presence, not the password.
 * The evidence names the location and public fingerprints only; no key, password or access key ever appears.
 */
import { parseRepositoryLocation } from '../../engine/backend/repository-url';
import { isEngineError } from '../../engine/errors';
import type { HelperSettings } from '../../helper-protocol/session-model';
import type { CheckResult } from '../../system-state/preflight/check';
import type { RepositoryBackends } from './repository-backends';

const title = 'Repository reachable';
const settingsFix = 'Open Settings → Repository';

export async function repositoryCheck(
  settings: HelperSettings,
  backends: Pick<RepositoryBackends, 'open' | 'hostKey'>,
): Promise<CheckResult> {
  const location = settings.repository;
  if (!location)
    return {
      id: 'repository',
      status: 'warn',
      code: 'REPOSITORY_UNSET',
      title,
      evidence: ['No repository is set in the helper settings: sessions have nowhere to write.'],
      fix: `${settingsFix} and set where backups go (a folder, sftp:… or s3:…).`,
    };
  const evidence = [`Repository: ${location}`];
  let kind: string;
  try {
    kind = parseRepositoryLocation(location).kind;
  } catch (error) {
    return fail(
      'REPO_UNREACHABLE',
      [...evidence, (error as Error).message],
      `${settingsFix} and correct it.`,
    );
  }
  if (kind === 'sftp') {
    try {
      const key = await backends.hostKey(location);
      evidence.push(
        `Host key of ${key.host}:${key.port}: ${key.algorithm} ${key.fingerprint} (${key.status})`,
      );
      if (key.status === 'unknown')
        return fail(
          'HOST_KEY_MISMATCH',
          [...evidence, 'This key has not been trusted yet, and is not in the helper’s known_hosts.'],
          `Compare ${key.fingerprint} with what the server administrator sees (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server); if it matches, trust it in Settings → Repository.`,
        );
      if (key.status === 'changed')
        return fail(
          'HOST_KEY_MISMATCH',
          [...evidence, `The key trusted before was ${key.trustedFingerprint}.`],
          'Do not trust the new key before the server administrator confirms the server was reinstalled or its key replaced: otherwise someone may be in between. Then trust it in Settings → Repository.',
        );
    } catch (error) {
      return failure(error, evidence);
    }
  }
  try {
    const backend = await backends.open(location);
    try {
      if (!(await backend.exists()))
        return fail(
          'REPO_NOT_FOUND',
          [...evidence, 'The storage answers, but there is no repository config there.'],
          'Check the location for a typo, or create the repository there (backup-manager init).',
        );
    } finally {
      await backend.close().catch(() => undefined);
    }
  } catch (error) {
    return failure(error, evidence);
  }
  return {
    id: 'repository',
    status: 'pass',
    code: 'OK',
    title,
    evidence: [...evidence, 'Reached, logged in, and the repository is there.'],
    fix: '',
  };
}

function fail(code: CheckResult['code'], evidence: string[], fix: string): CheckResult {
  return { id: 'repository', status: 'fail', code, title, evidence, fix };
}

function failure(error: unknown, evidence: string[]): CheckResult {
  const message = (error as Error).message;
  if (isEngineError(error, 'AUTH_FAILED'))
    return fail(
      'AUTH_FAILED',
      [...evidence, message],
      'Check the SSH key file or the S3 access keys in Settings → Repository (and that the server accepts them).',
    );
  if (isEngineError(error, 'HOST_KEY_MISMATCH'))
    return fail(
      'HOST_KEY_MISMATCH',
      [...evidence, message],
      'Compare and trust the host key in Settings → Repository.',
    );
  if (isEngineError(error, 'REPO_UNREACHABLE') || isEngineError(error, 'IO_ERROR'))
    return fail(
      'REPO_UNREACHABLE',
      [...evidence, message],
      'Check that the drive is connected or the server is up and reachable from this machine, then run the checks again.',
    );
  if (isEngineError(error, 'INVALID_ARGUMENT'))
    return fail('REPO_UNREACHABLE', [...evidence, message], `${settingsFix} and correct it.`);
  throw error;
}
