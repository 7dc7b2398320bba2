/**
 * The host key of an SFTP repository's server, as the helper sees it (`repository.hostKey`), and trusting it
 * (`repository.trustHostKey`). Shared by Settings and the restore wizard, each with a store of its own.
 *
 * Nothing is ever trusted by itself: `trust` sends exactly the host, port and fingerprint that are shown (the ones
 * the user compared), only for a key that is not trusted yet, and a key that *changed* only after the user
 * confirmed it on purpose. After trusting, the key is read again so the status shown is the helper's.
 */
import type { BackupManagerApi, HelperSettings, HostKeyState } from '@contract';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { hostAndPort } from './remote-text';

export interface HostKeyFailure {
  code: string;
  message: string;
}

export type HostKeyLookup =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; value: HostKeyState }
  | ({ status: 'error' } & HostKeyFailure);

export interface HostKeyStoreState {
  /** The SFTP location asked about; null before any. */
  repository: string | null;
  lookup: HostKeyLookup;
  /** A `changed` key: the user confirmed they compared the new key and know why it changed. */
  changeConfirmed: boolean;
  trusting: boolean;
  trustRefusal: HostKeyFailure | null;
  /** What the last trust did. */
  notice: string | null;
}

export interface HostKeyActions {
  /** Reads the host key of the server of `repository` (an SFTP location). */
  look(repository: string): Promise<void>;
  /** Reads it again for the same location (the retry after REPO_UNREACHABLE…). */
  retry(): Promise<void>;
  confirmChange(confirmed: boolean): void;
  /** Trusts the key shown; the helper's settings after it, or null when nothing was trusted. */
  trust(): Promise<HelperSettings | null>;
  /** Forgets what was shown (another location, or no SFTP location any more). */
  reset(): void;
}

export type HostKeyStore = HostKeyStoreState & HostKeyActions;

export const initialHostKeyState: HostKeyStoreState = {
  repository: null,
  lookup: { status: 'idle' },
  changeConfirmed: false,
  trusting: false,
  trustRefusal: null,
  notice: null,
};

export interface HostKeyStoreOptions {
  /** Told after the helper trusted a key, with its settings (Settings shows them; the wizard opens again). */
  onTrusted?(settings: HelperSettings): void;
}

export function createHostKeyStore(api: BackupManagerApi, options: HostKeyStoreOptions = {}) {
  return createStore<HostKeyStore>()((set, get) => {
    /** Each look has a number: an answer for an older look (another location) is dropped. */
    let lookNumber = 0;

    const read = async (repository: string, keepNotice: boolean) => {
      const number = ++lookNumber;
      set({
        repository,
        lookup: { status: 'loading' },
        changeConfirmed: false,
        trustRefusal: null,
        ...(keepNotice ? {} : { notice: null }),
      });
      const result = await api.invoke('repository.hostKey', { repository });
      if (number !== lookNumber) return;
      set({
        lookup: result.ok
          ? { status: 'ready', value: result.value }
          : { status: 'error', code: result.code, message: result.message },
      });
    };

    return {
      ...initialHostKeyState,

      look: (repository) => read(repository, false),

      async retry() {
        const repository = get().repository;
        if (repository !== null) await read(repository, false);
      },

      confirmChange(confirmed) {
        set({ changeConfirmed: confirmed, trustRefusal: null });
      },

      async trust() {
        const { lookup, changeConfirmed, trusting, repository } = get();
        if (trusting || repository === null || lookup.status !== 'ready') return null;
        const shown = lookup.value;
        if (shown.status !== 'unknown' && shown.status !== 'changed') return null;
        if (shown.status === 'changed' && !changeConfirmed) {
          set({
            trustRefusal: {
              code: 'CONFIRMATION_REQUIRED',
              message:
                'Confirm first that you compared the new fingerprint with the server’s own and know why it changed.',
            },
          });
          return null;
        }
        set({ trusting: true, trustRefusal: null, notice: null });
        const result = await api.invoke('repository.trustHostKey', {
          host: shown.host,
          port: shown.port,
          fingerprint: shown.fingerprint,
        });
        set({ trusting: false });
        if (get().repository !== repository) return null;
        if (!result.ok) {
          set({ trustRefusal: { code: result.code, message: result.message } });
          return null;
        }
        set({ notice: `Trusted ${shown.fingerprint} for ${hostAndPort(shown.host, shown.port)}.` });
        options.onTrusted?.(result.value.settings);
        await read(repository, true);
        return result.value.settings;
      },

      reset() {
        lookNumber++;
        set(initialHostKeyState);
      },
    };
  });
}

export type HostKeyStoreApi = ReturnType<typeof createHostKeyStore>;

export function useHostKey<T>(store: HostKeyStoreApi, selector: (state: HostKeyStore) => T): T {
  return useStore(store, selector);
}
