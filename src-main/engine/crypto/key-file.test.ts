import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { decrypt, encrypt } from './container';
import { createKeyFile, defaultScryptParams, openKeyFile, parseKeyFile, type ScryptParams } from './key-file';
import { decodeMasterKeyJson, encodeMasterKeyJson, generateMasterKey } from './master-key';

/** Cheap parameters: these tests are about the format, not the cost. */
const fast: ScryptParams = { N: 1024, r: 8, p: 1 };
const origin = { created: '2026-01-02T03:04:05.6Z', username: 'root', hostname: 'vm' };

describe('master key JSON', () => {
  it('is restic’s {"mac":{"k","r"},"encrypt"} with base64 values and round-trips', () => {
    const key = generateMasterKey();
    const json = encodeMasterKeyJson(key).toString('utf8');
    expect(json).toMatch(
      /^\{"mac":\{"k":"[A-Za-z0-9+/]{22}==","r":"[A-Za-z0-9+/]{22}=="\},"encrypt":"[A-Za-z0-9+/]{43}="\}$/,
    );
    const back = decodeMasterKeyJson(Buffer.from(json), 'key');
    expect(decrypt(back, encrypt(key, Buffer.from('hello')), 'x').toString()).toBe('hello');
  });

  it('rejects wrong lengths as CORRUPT', () => {
    const bad = Buffer.from('{"mac":{"k":"AAAA","r":"AAAA"},"encrypt":"AAAA"}');
    expect(() => decodeMasterKeyJson(bad, 'key file 1')).toThrow(/key file 1/);
  });

  it('stores r clamped', () => {
    const { macR } = generateMasterKey();
    for (const i of [3, 7, 11, 15]) expect((macR[i] ?? 0) & 0xf0).toBe(0);
    for (const i of [4, 8, 12]) expect((macR[i] ?? 0) & 0x03).toBe(0);
  });
});

describe('key files', () => {
  it('have restic’s fields in restic’s order and open with the right password only', async () => {
    const master = generateMasterKey();
    const bytes = await createKeyFile(master, 'pw', origin, fast);
    const text = bytes.toString('utf8');
    expect(Object.keys(JSON.parse(text))).toEqual([
      'created',
      'username',
      'hostname',
      'kdf',
      'N',
      'r',
      'p',
      'salt',
      'data',
    ]);
    expect(text.endsWith('}')).toBe(true);
    const keyFile = parseKeyFile(bytes, 'key');
    expect(Buffer.from(keyFile.salt, 'base64')).toHaveLength(64);
    expect(keyFile).toMatchObject({ kdf: 'scrypt', N: 1024, r: 8, p: 1, hostname: 'vm', username: 'root' });
    const opened = await openKeyFile(keyFile, 'pw', 'key');
    expect(opened && Buffer.from(opened.encrypt).equals(Buffer.from(master.encrypt))).toBe(true);
    expect(await openKeyFile(keyFile, 'wrong', 'key')).toBeNull();
  });

  it('use N=32768, r=8, p=5 by default (what restic calibrated on the reference VM)', async () => {
    expect(defaultScryptParams).toEqual({ N: 32768, r: 8, p: 5 });
    const keyFile = parseKeyFile(await createKeyFile(generateMasterKey(), 'pw', origin), 'key');
    expect([keyFile.N, keyFile.r, keyFile.p]).toEqual([32768, 8, 5]);
    expect(await openKeyFile(keyFile, 'pw', 'key')).not.toBeNull();
  });

  it('reject invalid JSON, another kdf, and unusable scrypt parameters as CORRUPT', async () => {
    const good = JSON.parse((await createKeyFile(generateMasterKey(), 'pw', origin, fast)).toString());
    const variants = [
      Buffer.from('not json'),
      Buffer.from(JSON.stringify({ ...good, kdf: 'argon2' })),
      Buffer.from(JSON.stringify({ ...good, N: 1000 })),
      Buffer.from(JSON.stringify({ ...good, N: 2 ** 30, r: 8 })),
      Buffer.from(JSON.stringify({ ...good, salt: 'not base64!' })),
    ];
    for (const v of variants) {
      let thrown: unknown;
      try {
        parseKeyFile(v, 'key file abc');
      } catch (error) {
        thrown = error;
      }
      expect(isEngineError(thrown, 'CORRUPT')).toBe(true);
      expect((thrown as Error).message).toContain('key file abc');
    }
  });

  it('ignore unknown fields when reading', async () => {
    const good = JSON.parse((await createKeyFile(generateMasterKey(), 'pw', origin, fast)).toString());
    const keyFile = parseKeyFile(Buffer.from(JSON.stringify({ ...good, future: 1 })), 'key');
    expect(await openKeyFile(keyFile, 'pw', 'key')).not.toBeNull();
  });
});
