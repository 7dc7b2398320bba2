import { describe, expect, it } from 'vitest';
import { ScanCache } from './scan-cache';

describe('ScanCache', () => {
  it('hands each scan over once and keeps no more bytes than allowed', () => {
    const cache = new ScanCache(10);
    expect(cache.offer(Buffer.from('/a'), Buffer.alloc(6))).toBe(true);
    expect(cache.offer(Buffer.from('/b'), Buffer.alloc(6))).toBe(false); // 12 > 10
    expect(cache.offer(Buffer.from('/c'), Buffer.alloc(4))).toBe(true);
    expect(cache.take(Buffer.from('/a'))?.length).toBe(6);
    expect(cache.take(Buffer.from('/a'))).toBeUndefined();
    expect(cache.offer(Buffer.from('/b'), Buffer.alloc(6))).toBe(true); // room again
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.take(Buffer.from('/b'))).toBeUndefined();
  });

  it('tells raw names apart byte for byte', () => {
    const cache = new ScanCache();
    cache.offer(Buffer.from([0x2f, 0xff]), Buffer.from('latin'));
    expect(cache.take(Buffer.from('/\u00ff'))).toBeUndefined(); // UTF-8 C3 BF, not FF
    expect(cache.take(Buffer.from([0x2f, 0xff]))?.toString()).toBe('latin');
  });
});
