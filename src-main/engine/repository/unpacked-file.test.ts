import { describe, expect, it } from 'vitest';
import { decrypt, encrypt } from '../crypto/container';
import { generateMasterKey } from '../crypto/master-key';
import { idOf } from '../ids';
import { corruptMessage } from '../testing/corrupt-message';
import { decodeUnpacked, encodeUnpacked } from './unpacked-file';
import { compressZstd } from './zstd';

const key = generateMasterKey();
const json = Buffer.from('{"packs":[]}\n');

describe('unpacked files', () => {
  it('v2: 0x02 ‖ zstd(JSON), named by the hash of the stored bytes, and back', () => {
    const file = encodeUnpacked(key, json, 2);
    expect(file.id).toBe(idOf(file.bytes));
    const plaintext = decrypt(key, file.bytes, 'x');
    expect(plaintext[0]).toBe(0x02);
    expect(decodeUnpacked(key, file.bytes, file.id, 'index file')).toEqual(json);
  });

  it('v1: raw JSON', () => {
    const file = encodeUnpacked(key, json, 1);
    expect(decrypt(key, file.bytes, 'x')).toEqual(json);
    expect(decodeUnpacked(key, file.bytes, file.id, 'index file')).toEqual(json);
  });

  it('reads raw JSON starting with { or [ and zstd after 0x02, whatever the version', () => {
    for (const plaintext of [
      Buffer.from('[{"id":"x"}]'),
      Buffer.from('{"a":1}'),
      Buffer.concat([Buffer.from([2]), compressZstd(Buffer.from('{"b":2}'))]),
    ]) {
      const bytes = encrypt(key, plaintext);
      const decoded = decodeUnpacked(key, bytes, idOf(bytes), 'f').toString();
      expect(decoded.startsWith('{') || decoded.startsWith('[')).toBe(true);
    }
  });

  it('rejects other encodings, empty plaintext, hash mismatches and damaged zstd as CORRUPT naming the file', () => {
    for (const plaintext of [
      Buffer.from([1, 2, 3]),
      Buffer.from(' {}'),
      Buffer.alloc(0),
      Buffer.from([2, 9, 9]),
    ]) {
      const bytes = encrypt(key, plaintext);
      expect(corruptMessage(() => decodeUnpacked(key, bytes, idOf(bytes), 'snapshot file s1'))).toContain(
        'snapshot file s1',
      );
    }
    const file = encodeUnpacked(key, json, 2);
    expect(corruptMessage(() => decodeUnpacked(key, file.bytes, 'f'.repeat(64), 'index file i1'))).toContain(
      'index file i1',
    );
  });
});
