import { describe, expect, it } from 'vitest';
import { repositoryLocation } from './contract/primitives';

describe('repositoryLocation', () => {
  it('takes absolute paths and restic-style remote locations, and nothing else', () => {
    // The renderer mirrors this rule (src-renderer/src/features/remote-repository/repository-location.ts) and
    // its test uses the same table: change both together.
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
      expect(repositoryLocation.safeParse(sample).success, sample).toBe(accepted);
  });
});
