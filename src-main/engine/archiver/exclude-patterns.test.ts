import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { compileExcludes } from './exclude-patterns';

const matches = (patterns: string[], path: string | Buffer) =>
  compileExcludes(patterns).excludes(typeof path === 'string' ? Buffer.from(path) : path);

describe('exclude patterns', () => {
  it('matches a bare name anywhere', () => {
    expect(matches(['*.tmp'], '/home/u/a.tmp')).toBe(true);
    expect(matches(['*.tmp'], '/home/u/a.tmp.keep')).toBe(false);
    expect(matches(['.cache'], '/home/u/.cache')).toBe(true);
    expect(matches(['.cache'], '/home/u/.cache2')).toBe(false);
  });
  it('anchors patterns that start with /', () => {
    expect(matches(['/var/cache/apt/*.bin'], '/var/cache/apt/pkgcache.bin')).toBe(true);
    expect(matches(['/var/cache/apt/*.bin'], '/x/var/cache/apt/pkgcache.bin')).toBe(false);
    expect(matches(['/var/cache/apt/*.bin'], '/var/cache/apt/sub/p.bin')).toBe(false);
  });
  it('matches trailing components for relative patterns with a slash', () => {
    expect(matches(['cache/*'], '/home/u/cache/x')).toBe(true);
    expect(matches(['cache/*'], '/home/u/mycache/x')).toBe(false);
  });
  it('lets ** span components, including none', () => {
    expect(matches(['/etc/**/secret'], '/etc/a/b/secret')).toBe(true);
    expect(matches(['/etc/**/secret'], '/etc/secret')).toBe(true);
    expect(matches(['/etc/**'], '/etc/x/y')).toBe(true);
    expect(matches(['/etc/**'], '/etcx/y')).toBe(false);
  });
  it('supports ?, classes, negated classes and escapes', () => {
    expect(matches(['file?.log'], '/a/file1.log')).toBe(true);
    expect(matches(['file?.log'], '/a/file12.log')).toBe(false);
    expect(matches(['[ab]*'], '/x/bcd')).toBe(true);
    expect(matches(['[!ab]*'], '/x/bcd')).toBe(false);
    expect(matches(['\\*literal'], '/x/*literal')).toBe(true);
    expect(matches(['\\*literal'], '/x/aliteral')).toBe(false);
    expect(matches(['a.b'], '/x/aXb')).toBe(false);
  });
  it('matches names that are not UTF-8 byte for byte', () => {
    expect(matches(['bad*'], Buffer.from([0x2f, 0x62, 0x61, 0x64, 0xff, 0xfe]))).toBe(true);
    expect(matches(['ü*'], Buffer.from('/x/über', 'utf8'))).toBe(true);
  });
  it('refuses malformed patterns with INVALID_ARGUMENT', () => {
    for (const bad of ['', 'a\\', '[abc']) {
      let error: unknown;
      try {
        compileExcludes([bad]);
      } catch (e) {
        error = e;
      }
      expect(isEngineError(error, 'INVALID_ARGUMENT'), bad).toBe(true);
    }
  });
  it('excludes nothing without patterns', () => {
    expect(matches([], '/anything')).toBe(false);
  });
});
