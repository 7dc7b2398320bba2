import { describe, expect, it } from 'vitest';
import { partsOf } from './s3-multipart';

describe('partsOf', () => {
  it('cuts pieces into parts of the given size across piece boundaries, as views, the last part shorter', () => {
    const pieces = [Buffer.from('abc'), Buffer.from(''), Buffer.from('defghij'), Buffer.from('k')];
    const parts = [...partsOf(pieces, 4)].map((part) => Buffer.concat(part).toString());
    expect(parts).toEqual(['abcd', 'efgh', 'ijk']);
    const [first] = [...partsOf(pieces, 4)];
    expect(first?.[0]?.buffer).toBe(pieces[0]?.buffer); // no copy
    expect([...partsOf([Buffer.from('abcd')], 4)].map((part) => Buffer.concat(part).toString())).toEqual([
      'abcd',
    ]);
    expect([...partsOf([], 4)]).toEqual([]);
  });
});
