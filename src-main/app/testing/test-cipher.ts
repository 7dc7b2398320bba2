/**
 * A real cipher for tests of the secrets file (AES-256-GCM with a fixed test key), standing in for Electron's
 * safeStorage, which cannot run under plain Node. Its availability can be switched off like a locked keyring.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CipherAvailability, SecretsCipher } from '../secrets-cipher';

const testKey = Buffer.alloc(32, 7);

export interface TestCipher extends SecretsCipher {
  /** Makes `available()` answer like a locked keyring (with this reason) or, with null, like an unlocked one. */
  lock(reason: string | null): void;
}

export function testCipher(key: Buffer = testKey): TestCipher {
  let availability: CipherAvailability = { ok: true };
  return {
    available: () => availability,
    lock(reason) {
      availability = reason === null ? { ok: true } : { ok: false, reason };
    },
    encrypt(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
