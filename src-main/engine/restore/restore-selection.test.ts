import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { parseSnapshotPath, RestoreSelection } from './restore-selection';
import { printablePath } from './tree-walker';

const components = (text: string) => text.split('/').map((part) => Buffer.from(part));

describe('parseSnapshotPath', () => {
  it('splits on slashes and ignores empty components', () => {
    expect(parseSnapshotPath('/etc//ssh/', 'subpath')).toEqual([Buffer.from('etc'), Buffer.from('ssh')]);
    expect(parseSnapshotPath('/', 'subpath')).toEqual([]);
    expect(parseSnapshotPath('', 'subpath')).toEqual([]);
  });

  it('refuses components that climb or stand still, and NUL, with PATH_ESCAPE', () => {
    for (const bad of ['..', '/etc/..', 'etc/../..', './etc', 'a\0b']) {
      let error: unknown;
      try {
        parseSnapshotPath(bad, 'subpath');
      } catch (caught) {
        error = caught;
      }
      expect(isEngineError(error, 'PATH_ESCAPE'), bad).toBe(true);
    }
  });
});

describe('RestoreSelection', () => {
  it('selects everything without include paths', () => {
    expect(new RestoreSelection().classify(components('any/thing'))).toBe('selected');
    expect(new RestoreSelection(['/']).restoresEverything).toBe(true);
  });

  it('selects included paths and what is below them, walks into their ancestors, skips the rest', () => {
    const selection = new RestoreSelection(['etc/ssh', '/var/lib/dpkg/status']);
    expect(selection.classify(components('etc'))).toBe('ancestor');
    expect(selection.classify(components('etc/ssh'))).toBe('selected');
    expect(selection.classify(components('etc/ssh/sshd_config'))).toBe('selected');
    expect(selection.classify(components('etc/sshd'))).toBe('excluded');
    expect(selection.classify(components('etc/hosts'))).toBe('excluded');
    expect(selection.classify(components('var/lib'))).toBe('ancestor');
    expect(selection.classify(components('var/lib/dpkg/status'))).toBe('selected');
    expect(selection.classify(components('var/lib/dpkg/available'))).toBe('excluded');
    expect(selection.classify(components('usr'))).toBe('excluded');
  });
});

describe('printablePath', () => {
  it('prints plain names as they are and quotes the others the way Go does', () => {
    expect(printablePath(Buffer.from('etc/ssh/sshd_config'))).toBe('etc/ssh/sshd_config');
    expect(printablePath(Buffer.from('日本語/ü'))).toBe('日本語/ü');
    expect(printablePath(Buffer.from('new\nline'))).toBe('"new\\nline"');
    expect(printablePath(Buffer.from([0x61, 0xff]))).toBe('"a\\xff"');
    expect(printablePath(Buffer.from('quote"d'))).toBe('"quote\\"d"');
  });
});
