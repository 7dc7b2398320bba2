/**
 * Repository locations as the user types them, in restic's notation: the same acceptance as the contract's
 * `repositoryLocation` (so the form never refuses what the helper would take, nor sends what main would reject),
 * with words that say which notations exist. The helper parses the rest and refuses a malformed remote location
 * with its own reason (SETTINGS_INVALID, INVALID_REQUEST), shown at the field.
 */

export type LocationKind = 'local' | 'sftp' | 's3';

/** The notations the help texts list, with an example each. */
export const locationNotations: readonly { kind: LocationKind; notation: string; example: string }[] = [
  { kind: 'local', notation: 'a folder on this machine', example: '/srv/backup/repository' },
  { kind: 'sftp', notation: 'an SFTP server', example: 'sftp:backup@nas.example.net:/srv/repository' },
  {
    kind: 'sftp',
    notation: 'an SFTP server on another port (an absolute path after //)',
    example: 'sftp://backup@nas.example.net:2222//srv/repository',
  },
  { kind: 's3', notation: 'S3-compatible storage', example: 's3:https://s3.example.net/bucket/prefix' },
];

function isAbsolutePath(location: string): boolean {
  return location.startsWith('/') || /^[A-Za-z]:[\\/]/.test(location);
}

/** Which kind of repository a location names; null for one the contract would refuse. */
export function locationKind(location: string): LocationKind | null {
  if (location.startsWith('sftp:')) return 'sftp';
  if (location.startsWith('s3:')) return 's3';
  if (location.startsWith('local:') || isAbsolutePath(location)) return 'local';
  return null;
}

export const locationKindLabels: Record<LocationKind, string> = {
  local: 'Local folder',
  sftp: 'SFTP server',
  s3: 'S3-compatible storage',
};

export type LocationCheck =
  | { ok: true; location: string; kind: LocationKind }
  | { ok: false; problem: string };

/** A typed location, trimmed: empty, too long, or neither a full path nor sftp:/s3:/local: is refused here. */
export function checkRepositoryLocation(input: string): LocationCheck {
  const location = input.trim();
  if (location === '')
    return {
      ok: false,
      problem:
        'Type the location first: a full path such as /srv/backup/repository, or sftp:user@host:/path, or s3:https://host/bucket.',
    };
  if (location.length > 4096) return { ok: false, problem: 'The location is longer than 4096 characters.' };
  const kind = locationKind(location);
  if (kind === null)
    return {
      ok: false,
      problem: `${location} is not a full path or a remote location: start a folder with / (or a drive letter on Windows), or write sftp:user@host:/path or s3:https://host/bucket.`,
    };
  return { ok: true, location, kind };
}
