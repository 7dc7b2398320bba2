import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { parseRepositoryLocation } from './repository-url';

describe('repository locations in restic notation', () => {
  it('reads local paths, with or without local:', () => {
    expect(parseRepositoryLocation('/srv/repo')).toEqual({ kind: 'local', path: '/srv/repo' });
    expect(parseRepositoryLocation('local:/srv/repo')).toEqual({ kind: 'local', path: '/srv/repo' });
    expect(parseRepositoryLocation('relative/repo')).toEqual({ kind: 'local', path: 'relative/repo' });
  });

  it('reads sftp:user@host:path, absolute or relative to home, IPv6 in brackets', () => {
    expect(parseRepositoryLocation('sftp:alice@backup.lan:/srv/repo')).toEqual({
      kind: 'sftp',
      user: 'alice',
      host: 'backup.lan',
      port: 22,
      path: '/srv/repo',
    });
    expect(parseRepositoryLocation('sftp:backup.lan:repo')).toEqual({
      kind: 'sftp',
      host: 'backup.lan',
      port: 22,
      path: 'repo',
    });
    expect(parseRepositoryLocation('sftp:bob@[::1]:/srv/r')).toMatchObject({
      user: 'bob',
      host: '::1',
      path: '/srv/r',
    });
  });

  it('reads sftp:// URLs with a port: two slashes make the path absolute, as in restic', () => {
    expect(parseRepositoryLocation('sftp://alice@host:2222//srv/repo')).toEqual({
      kind: 'sftp',
      user: 'alice',
      host: 'host',
      port: 2222,
      path: '/srv/repo',
    });
    expect(parseRepositoryLocation('sftp://host/repo')).toEqual({
      kind: 'sftp',
      host: 'host',
      port: 22,
      path: 'repo',
    });
    expect(parseRepositoryLocation('sftp://alice@[::1]:22//r')).toMatchObject({ host: '::1', path: '/r' });
  });

  it('reads s3: locations: endpoint, bucket and prefix; https unless http is given', () => {
    expect(parseRepositoryLocation('s3:http://127.0.0.1:7480/backups/pc-1')).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:7480',
      bucket: 'backups',
      prefix: 'pc-1',
    });
    expect(parseRepositoryLocation('s3:s3.amazonaws.com/bucket')).toEqual({
      kind: 's3',
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'bucket',
      prefix: '',
    });
  });

  it('refuses malformed remote locations instead of taking them for local paths', () => {
    for (const text of [
      'sftp:host',
      'sftp:alice@host:',
      'sftp:@host:/r',
      'sftp://host',
      's3:https://host/',
      'local:',
      '',
    ]) {
      let error: unknown = null;
      try {
        parseRepositoryLocation(text);
      } catch (caught) {
        error = caught;
      }
      expect(isEngineError(error, 'INVALID_ARGUMENT'), text).toBe(true);
    }
  });
});
