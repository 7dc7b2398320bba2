import { describe, expect, it } from 'vitest';
import type { PackedBlob } from '../repository/blob';
import { readWindows } from './repack';

const MiB = 1024 * 1024;

function blob(n: number, offset: number, length: number): PackedBlob {
  return { type: 'data', id: n.toString(16).padStart(64, '0'), offset, length };
}

describe('repack read windows', () => {
  it('groups neighbours up to 4 MiB of span, reads a larger blob alone, keeps pack order', () => {
    const blobs = [
      blob(1, 0, MiB),
      blob(2, MiB, MiB),
      blob(3, 3 * MiB, 900 * 1024), // a gap: still within the span
      blob(4, 4 * MiB, MiB), // would end at 5 MiB: next window
      blob(5, 5 * MiB, 6 * MiB), // larger than a window: alone
      blob(6, 11 * MiB, 100),
    ];
    expect(readWindows(blobs).map((window) => window.map((b) => Number.parseInt(b.id, 16)))).toEqual([
      [1, 2, 3],
      [4],
      [5],
      [6],
    ]);
  });

  it('starts a new window when the order goes backwards (entries not in offset order)', () => {
    const blobs = [blob(1, 2 * MiB, 1000), blob(2, 0, 1000), blob(3, 1000, 1000)];
    expect(readWindows(blobs).map((window) => window.length)).toEqual([1, 2]);
    expect(readWindows([])).toEqual([]);
  });
});
