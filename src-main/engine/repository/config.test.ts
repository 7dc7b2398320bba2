import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import {
  decodeConfig,
  encodeConfig,
  newRepositoryConfig,
  polynomialFromHex,
  polynomialToHex,
} from './config';

const resticTestPolynomial = 0x3da3358b4dc173n;

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return isEngineError(error) ? error.code : 'other';
  }
}

describe('repository config', () => {
  it('encodes exactly as restic: version, id, polynomial as bare lower-case hex', () => {
    const config = newRepositoryConfig(resticTestPolynomial);
    expect(config.version).toBe(2);
    expect(config.id).toMatch(/^[0-9a-f]{64}$/);
    expect(encodeConfig(config).toString()).toBe(
      `{"version":2,"id":"${config.id}","chunker_polynomial":"3da3358b4dc173"}`,
    );
    expect(decodeConfig(encodeConfig(config))).toEqual(config);
  });

  it('reads v1 and v2 configs as restic writes them', () => {
    const id = 'ab'.repeat(32);
    for (const version of [1, 2]) {
      const json = `{"version":${version},"id":"${id}","chunker_polynomial":"27dd52f9efbaaf"}`;
      expect(decodeConfig(Buffer.from(json))).toEqual({ version, id, chunkerPolynomial: 0x27dd52f9efbaafn });
    }
  });

  it('rejects unknown versions as NOT_A_REPOSITORY and malformed configs as CORRUPT', () => {
    const id = 'ab'.repeat(32);
    const cfg = (v: string) => Buffer.from(v);
    expect(codeOf(() => decodeConfig(cfg(`{"version":3,"id":"${id}","chunker_polynomial":"1"}`)))).toBe(
      'NOT_A_REPOSITORY',
    );
    expect(codeOf(() => decodeConfig(cfg(`{"version":0,"id":"${id}","chunker_polynomial":"1"}`)))).toBe(
      'NOT_A_REPOSITORY',
    );
    expect(codeOf(() => decodeConfig(cfg('{"version":2}')))).toBe('CORRUPT');
    expect(codeOf(() => decodeConfig(cfg(`{"version":2,"id":"${id}","chunker_polynomial":"0x1"}`)))).toBe(
      'CORRUPT',
    );
    expect(codeOf(() => decodeConfig(cfg('garbage')))).toBe('CORRUPT');
  });

  it('converts polynomials between hex and bigint', () => {
    expect(polynomialToHex(resticTestPolynomial)).toBe('3da3358b4dc173');
    expect(polynomialFromHex('3DA3358B4DC173')).toBe(resticTestPolynomial);
    expect(() => polynomialFromHex('')).toThrow();
    expect(() => newRepositoryConfig(0n)).toThrow();
  });
});
