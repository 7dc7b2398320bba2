import { describe, expect, it } from 'vitest';
import { type LinuxStorageBackend, safeStorageAvailability } from './secrets-cipher';

describe('safeStorageAvailability', () => {
  it('refuses when the operating system offers no encryption, saying what to do', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const result = safeStorageAvailability({ platform, encryptionAvailable: false, linuxBackend: null });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('password file') });
    }
  });

  it.each<LinuxStorageBackend>(['basic_text', 'unknown'])(
    'refuses the Linux %s store, which only obfuscates with a hard-coded key',
    (backend) => {
      const result = safeStorageAvailability({
        platform: 'linux',
        encryptionAvailable: true,
        linuxBackend: backend,
      });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toContain(backend);
        expect(result.reason).toMatch(/keyring/i);
        expect(result.reason).toContain('password file');
      }
    },
  );

  it.each<LinuxStorageBackend>(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])(
    'accepts the Linux keyring %s',
    (backend) => {
      expect(
        safeStorageAvailability({ platform: 'linux', encryptionAvailable: true, linuxBackend: backend }),
      ).toEqual({ ok: true });
    },
  );

  it('accepts Windows (DPAPI) and macOS (Keychain) once encryption is available', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      expect(safeStorageAvailability({ platform, encryptionAvailable: true, linuxBackend: null })).toEqual({
        ok: true,
      });
    }
  });
});
