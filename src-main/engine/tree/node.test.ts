import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyNode, goFileMode, goModeFromPosix, noBytes, nodeTypeFromGoMode, posixModeFromGo } from './node';

describe('Go FileMode ↔ POSIX st_mode', () => {
  it.each([
    ['file 0644', 0o100644, 420, 'file'],
    ['file 0000', 0o100000, 0, 'file'],
    ['dir 0755', 0o040755, 2147484141, 'dir'],
    ['symlink 0777', 0o120777, 134218239, 'symlink'],
    ['block device 0660', 0o060660, 2 ** 26 + 0o660, 'dev'],
    ['char device 0666', 0o020666, 2 ** 26 + 2 ** 21 + 0o666, 'chardev'],
    ['fifo 0644', 0o010644, 2 ** 25 + 0o644, 'fifo'],
    ['socket 0755', 0o140755, 2 ** 24 + 0o755, 'socket'],
    ['setuid file 4755', 0o104755, 2 ** 23 + 0o755, 'file'],
    ['setgid dir 2775', 0o042775, 2 ** 31 + 2 ** 22 + 0o775, 'dir'],
    ['sticky dir 1777', 0o041777, 2 ** 31 + 2 ** 20 + 0o777, 'dir'],
  ])('%s', (_, st, go, type) => {
    expect(goModeFromPosix(st)).toBe(go);
    expect(nodeTypeFromGoMode(go)).toBe(type);
    expect(posixModeFromGo(go)).toBe(st);
  });

  it('has no type for irregular or contradictory modes', () => {
    expect(nodeTypeFromGoMode(goFileMode.irregular)).toBeUndefined();
    expect(nodeTypeFromGoMode(goFileMode.dir + goFileMode.symlink)).toBeUndefined();
    expect(nodeTypeFromGoMode(goFileMode.charDevice)).toBeUndefined();
  });

  it('round-trips every type with every permission and special bit', () => {
    const types = [0o140000, 0o120000, 0o100000, 0o060000, 0o040000, 0o020000, 0o010000];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.integer({ min: 0, max: 0o7777 }), (type, bits) => {
        const go = goModeFromPosix(type | bits);
        expect(go).toBeGreaterThanOrEqual(0);
        expect(go).toBeLessThan(2 ** 32);
        expect(posixModeFromGo(go)).toBe(type | bits);
      }),
    );
  });
});

describe('empty nodes', () => {
  it('share one frozen, zero-length link target (nothing can be written into it or attached to it)', () => {
    const a = emptyNode(Buffer.from('a'), 'file');
    const b = emptyNode(Buffer.from('b'), 'dir');
    expect(a.linkTarget).toBe(noBytes);
    expect(b.linkTarget).toBe(noBytes);
    expect(noBytes.length).toBe(0);
    expect(Object.isFrozen(noBytes)).toBe(true);
    expect(() => Object.assign(noBytes, { x: 1 })).toThrow(TypeError);
    noBytes.fill(1); // no bytes to fill
    expect(noBytes.length).toBe(0);
  });
});
