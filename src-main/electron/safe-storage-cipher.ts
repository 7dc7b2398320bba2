/**
 * The cipher of remembered repository passwords on Electron's safeStorage (Keychain on macOS, DPAPI on Windows,
 * the desktop keyring on Linux). Only the calls into Electron are here; whether they protect anything is decided
 * by safeStorageAvailability (src-main/app/secrets-cipher.ts), where it is tested. Use after the app is ready:
 * before that safeStorage reports no encryption.
 */
import { safeStorage } from 'electron';
import { type SecretsCipher, safeStorageAvailability } from '../app/secrets-cipher';

export function safeStorageCipher(platform: NodeJS.Platform = process.platform): SecretsCipher {
  return {
    available: () =>
      safeStorageAvailability({
        platform,
        encryptionAvailable: safeStorage.isEncryptionAvailable(),
        // The call exists on Linux only.
        linuxBackend: platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
      }),
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
