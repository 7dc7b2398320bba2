import { describe, expect, it } from 'vitest';
import { checkRepositoryLocation, locationKind, locationNotations } from './repository-location';

describe('repository locations', () => {
  it('tells the kinds apart in restic’s notation', () => {
    expect(locationKind('/srv/repo')).toBe('local');
    expect(locationKind('D:\\Backups')).toBe('local');
    expect(locationKind('local:/srv/repo')).toBe('local');
    expect(locationKind('sftp:backup@nas:/srv/repo')).toBe('sftp');
    expect(locationKind('sftp://root@127.0.0.1:2222//tmp/repo')).toBe('sftp');
    expect(locationKind('s3:https://s3.example.net/bucket/prefix')).toBe('s3');
    expect(locationKind('backups/repo')).toBeNull();
    expect(locationKind('rest:http://host/')).toBeNull();
  });

  it('accepts exactly what the contract accepts, trimmed, with words for what it refuses', () => {
    // The contract's rule (repositoryLocation in src-main/ipc/contract/primitives.ts, whose tests use the same
    // table): the renderer may not import the schema itself, only mirror it.
    const samples: [string, boolean][] = [
      ['/srv/repo', true],
      ['C:/Backups', true],
      ['local:/srv/repo', true],
      ['sftp:backup@nas:/srv/repo', true],
      ['sftp://backup@nas:2222//srv/repo', true],
      ['s3:https://s3.example.net/bucket', true],
      ['backups/repo', false],
      ['ftp://nas/repo', false],
      ['SFTP:nas:/repo', false],
      [`/${'a'.repeat(4096)}`, false],
    ];
    for (const [sample, accepted] of samples)
      expect(checkRepositoryLocation(sample).ok, sample).toBe(accepted);
    expect(checkRepositoryLocation('  sftp:backup@nas:/srv/repo ')).toEqual({
      ok: true,
      location: 'sftp:backup@nas:/srv/repo',
      kind: 'sftp',
    });
    expect(checkRepositoryLocation('backups/repo')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('backups/repo is not a full path or a remote location'),
    });
    expect(checkRepositoryLocation('   ')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('Type the location first'),
    });
  });

  it('every example in the help text is a location the contract takes, of its kind', () => {
    for (const { kind, example } of locationNotations) {
      expect(checkRepositoryLocation(example).ok, example).toBe(true);
      expect(locationKind(example)).toBe(kind);
    }
  });
});
