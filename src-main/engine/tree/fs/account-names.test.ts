import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../testing/restic-cli';
import { AccountNames } from './account-names';

let dir: string;
let accounts: AccountNames;

beforeAll(async () => {
  dir = await makeTempDir('accounts');
  await writeFile(
    path.join(dir, 'passwd'),
    [
      '# a comment line',
      'root:x:0:0:root:/root:/bin/bash',
      '   indented:x:1:1::/:/bin/sh',
      '',
      '+nis:x:2:2::/:',
      'zeros:x:0003:3::/:',
      'first:x:4:4::/:',
      'second:x:4:4::/:',
      'nogid:x:5:abc::/:',
      'short:x:6',
      'noshell:x:7:7',
      'sign:x:+8:8::/:',
      'trailing:x:9x:9::/:',
      'huge:x:99999999999:1::/:',
      'negative:x:-1:1::/:',
      'grü\u00dfe:x:10:10::/:',
    ].join('\n'),
    'utf8',
  );
  await writeFile(
    path.join(dir, 'group'),
    ['root:x:0:', 'wheel:x:10:alice,bob', '-compat:x:11:', 'bare:x:12', ':x:13:', 'dup:x:10:'].join('\n'),
  );
  accounts = new AccountNames({ passwd: path.join(dir, 'passwd'), group: path.join(dir, 'group') });
});

afterAll(() => removeTempDir(dir));

describe('AccountNames (glibc "files" parsing)', () => {
  it.each([
    [0, 'root'],
    [1, 'indented'],
    [2, ''],
    [3, 'zeros'],
    [4, 'first'],
    [5, ''],
    [6, ''],
    [7, 'noshell'],
    [8, 'sign'],
    [9, ''],
    [0xffff_ffff, 'huge'],
    [10, 'gr\u00fc\u00dfe'],
    [4242, ''],
  ])('uid %i → %j', (uid, name) => {
    expect(accounts.userName(uid)).toBe(name);
  });

  it.each([
    [0, 'root'],
    [10, 'wheel'],
    [11, ''],
    [12, 'bare'],
    [13, ''],
    [4242, ''],
  ])('gid %i → %j', (gid, name) => {
    expect(accounts.groupName(gid)).toBe(name);
  });

  it('decodes names that are not UTF-8 the way Go strings are written (U+FFFD per bad byte)', async () => {
    const file = path.join(dir, 'passwd-latin1');
    await writeFile(
      file,
      Buffer.concat([Buffer.from('x'), Buffer.from([0xe9]), Buffer.from(':x:20:20::/:')]),
    );
    const names = new AccountNames({ passwd: file, group: path.join(dir, 'group') });
    expect(names.userName(20)).toBe('x\ufffd');
  });

  it('reports unreadable databases once and resolves no names', () => {
    const names = new AccountNames({ passwd: path.join(dir, 'missing'), group: path.join(dir, 'missing') });
    expect(names.userName(0)).toBe('');
    expect(names.userName(1)).toBe('');
    expect(names.groupName(0)).toBe('');
    expect(names.problems).toHaveLength(2);
    expect(names.problems[0]).toContain('missing could not be read');
  });

  it('reads the system files by default', () => {
    expect(new AccountNames().userName(0)).toBe('root');
  });
});
