/**
 * Repository locations in restic's notation, so the same string works with restic and with us:
 *   /srv/repo, local:/srv/repo                 a local directory
 *   sftp:user@host:/srv/repo                   SFTP, absolute path (port 22)
 *   sftp:user@host:repo                        SFTP, relative to the user's home directory
 *   sftp://user@host:2222//srv/repo            SFTP URL: `//srv/repo` is absolute, `/repo` relative to home
 *   s3:https://host[:port]/bucket[/prefix]     S3-compatible storage (path-style); `s3:host/bucket` is https
 * The user may be left out (then the caller's default applies). Anything else that is not one of these schemes is
 * a local path; a string that starts like one of them but is malformed is INVALID_ARGUMENT, never a local path.
 */
import { EngineError } from '../errors';

export type RepositoryLocation =
  | { kind: 'local'; path: string }
  | { kind: 'sftp'; user?: string; host: string; port: number; path: string }
  | { kind: 's3'; endpoint: string; bucket: string; prefix: string };

function invalid(text: string, why: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `repository location ${JSON.stringify(text)}: ${why}`);
}

/** `user@host` or `host`, with `[v6]` brackets removed. */
function splitUserHost(text: string, userHost: string): { user?: string; host: string } {
  const at = userHost.lastIndexOf('@');
  const user = at >= 0 ? userHost.slice(0, at) : undefined;
  let host = at >= 0 ? userHost.slice(at + 1) : userHost;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || user === '') throw invalid(text, 'no host (or an empty user) before the path');
  return user === undefined ? { host } : { user, host };
}

export function parseRepositoryLocation(text: string): RepositoryLocation {
  if (text.startsWith('local:')) {
    const path = text.slice('local:'.length);
    if (path === '') throw invalid(text, 'no path');
    return { kind: 'local', path };
  }
  if (text.startsWith('sftp://')) return parseSftpUrl(text);
  if (text.startsWith('sftp:')) {
    const rest = text.slice('sftp:'.length);
    // user@host:path — the host may be a bracketed IPv6 address, which contains colons.
    const close = rest.startsWith('[') || rest.includes('@[') ? rest.indexOf(']') : -1;
    const colon = rest.indexOf(':', close + 1);
    if (colon < 0) throw invalid(text, 'expected sftp:user@host:/path');
    const path = rest.slice(colon + 1);
    if (path === '') throw invalid(text, 'no path after the host');
    return { kind: 'sftp', ...splitUserHost(text, rest.slice(0, colon)), port: 22, path };
  }
  if (text.startsWith('s3:')) return parseS3(text);
  if (text === '') throw invalid(text, 'empty');
  return { kind: 'local', path: text };
}

function parseSftpUrl(text: string): RepositoryLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(text, 'not a valid sftp:// URL');
  }
  if (url.hostname === '') throw invalid(text, 'no host');
  const port = url.port === '' ? 22 : Number(url.port);
  // restic: the URL path after the host is relative to home; a second slash makes it absolute. Dropping the
  // separator after the host does both: "/repo" → "repo", "//srv/repo" → "/srv/repo".
  const path = decodeURIComponent(url.pathname).slice(1);
  if (path === '' || path === '/') throw invalid(text, 'no path');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const user = url.username === '' ? undefined : decodeURIComponent(url.username);
  return user === undefined ? { kind: 'sftp', host, port, path } : { kind: 'sftp', user, host, port, path };
}

function parseS3(text: string): RepositoryLocation {
  const rest = text.slice('s3:'.length);
  const withScheme = /^https?:\/\//.test(rest) ? rest : `https://${rest}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(text, 'not a valid S3 location (s3:https://host/bucket/prefix)');
  }
  // Settings files and logs show the location: access keys must come from the environment or the keychain.
  if (url.username !== '' || url.password !== '')
    throw invalid(text.replace(/\/\/[^/@]*@/, '//…@'), 'access keys do not belong in the location');
  const [bucket, ...prefix] = url.pathname.split('/').filter((part) => part !== '');
  if (bucket === undefined) throw invalid(text, 'no bucket');
  return { kind: 's3', endpoint: `${url.protocol}//${url.host}`, bucket, prefix: prefix.join('/') };
}
