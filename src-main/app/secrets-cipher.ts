/**
 * What the file of remembered repository passwords needs from an encryption provider, and the decision whether
 * Electron's safeStorage really protects anything on this machine. The decision lives here rather than beside
 * safeStorage (src-main/electron/) because that room can only be type-checked on this machine: here it is tested.
 */

export type CipherAvailability = { ok: true } | { ok: false; reason: string };

/** Encrypts short secrets with a key the operating system keeps (Electron's safeStorage in the app). */
export interface SecretsCipher {
  /** Whether encrypting now would really protect the secret; the reason says what the user can do if not. */
  available(): CipherAvailability;
  /** Throws when encryption fails. */
  encrypt(text: string): Buffer;
  /** Throws when the data cannot be decrypted (another key, damaged data). */
  decrypt(data: Buffer): string;
}

/** The Linux password stores safeStorage names (`safeStorage.getSelectedStorageBackend()`). */
export type LinuxStorageBackend =
  | 'basic_text'
  | 'gnome_libsecret'
  | 'kwallet'
  | 'kwallet5'
  | 'kwallet6'
  | 'unknown';

export interface SafeStorageProbe {
  platform: NodeJS.Platform;
  /** `safeStorage.isEncryptionAvailable()`. */
  encryptionAvailable: boolean;
  /** `safeStorage.getSelectedStorageBackend()` on Linux; null elsewhere (the call exists on Linux only). */
  linuxBackend: LinuxStorageBackend | null;
}

const keyringAdvice =
  'Unlock or install a keyring (GNOME Keyring via libsecret, or KWallet) and restart Backup Manager, or give the ' +
  'helper a password file (mode 0600) in its settings instead.';

export function safeStorageAvailability(probe: SafeStorageProbe): CipherAvailability {
  if (!probe.encryptionAvailable) {
    return {
      ok: false,
      reason: `The operating system offers no encryption for saved passwords right now. ${keyringAdvice}`,
    };
  }
  if (probe.platform !== 'linux') return { ok: true };
  // basic_text "encrypts" with a key hard-coded in Chromium: anyone who can read the file can read the password,
  // so calling it encrypted would be a lie. `unknown` means no store was chosen (or the app was not ready yet).
  if (
    probe.linuxBackend === 'basic_text' ||
    probe.linuxBackend === 'unknown' ||
    probe.linuxBackend === null
  ) {
    return {
      ok: false,
      reason: `No keyring is available to protect saved passwords (password store: ${probe.linuxBackend ?? 'none'}). ${keyringAdvice}`,
    };
  }
  return { ok: true };
}
