import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { formatRfc3339Nano, isRfc3339 } from './rfc3339';
import { decodeSnapshot, encodeSnapshot, type Snapshot } from './snapshot';

const tree = 'f0'.repeat(32);
const parent = 'a1'.repeat(32);

describe('snapshots', () => {
  it('encode in restic 0.14 field order with omitempty', () => {
    const full: Snapshot = {
      time: '2026-11-25T21:17:49.847526989Z',
      parent,
      tree,
      paths: ['/srv/data'],
      hostname: 'vm',
      username: 'alice',
      uid: 1000,
      gid: 1000,
      excludes: ['*.tmp'],
      tags: ['daily'],
      original: parent,
    };
    expect(Object.keys(JSON.parse(encodeSnapshot(full).toString()))).toEqual([
      'time',
      'parent',
      'tree',
      'paths',
      'hostname',
      'username',
      'uid',
      'gid',
      'excludes',
      'tags',
      'original',
    ]);
    const minimal: Snapshot = {
      time: '2026-11-25T21:17:49.847526989Z',
      tree,
      paths: ['/srv/data'],
      uid: 0,
      gid: 0,
      tags: [],
    };
    expect(encodeSnapshot(minimal).toString()).toBe(
      `{"time":"2026-11-25T21:17:49.847526989Z","tree":"${tree}","paths":["/srv/data"]}`,
    );
    expect(decodeSnapshot(JSON.parse(encodeSnapshot(full).toString()), 's')).toEqual(full);
  });

  it('decode what newer restic writes, ignoring program_version and summary', () => {
    const json = {
      time: '2026-11-25T22:17:49.8+01:00',
      tree,
      paths: ['/a'],
      hostname: 'vm',
      username: 'root',
      tags: null,
      program_version: 'restic 0.17.0',
      summary: { files_new: 3 },
    };
    expect(decodeSnapshot(json, 's')).toEqual({
      time: '2026-11-25T22:17:49.8+01:00',
      tree,
      paths: ['/a'],
      hostname: 'vm',
      username: 'root',
    });
  });

  it('reject snapshots without a tree or with a bad time as CORRUPT naming the file', () => {
    for (const json of [
      { time: '2026-01-01T00:00:00Z', paths: [] },
      { time: 'yesterday', tree, paths: [] },
      'x',
    ]) {
      try {
        decodeSnapshot(json, 'snapshot file 5e');
        expect.unreachable();
      } catch (error) {
        expect(isEngineError(error, 'CORRUPT')).toBe(true);
        expect((error as Error).message).toContain('snapshot file 5e');
      }
    }
  });

  it('format times as Go RFC3339Nano in UTC', () => {
    expect(formatRfc3339Nano(new Date('2026-01-02T03:04:05.120Z'))).toBe('2026-01-02T03:04:05.12Z');
    expect(formatRfc3339Nano(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05Z');
    expect(formatRfc3339Nano(new Date('2026-01-02T03:04:05.001Z'), 234)).toBe(
      '2026-01-02T03:04:05.001000234Z',
    );
    expect(isRfc3339('2026-01-02T03:04:05.001000234Z')).toBe(true);
    expect(isRfc3339('2026-01-02 03:04:05')).toBe(false);
  });
});
