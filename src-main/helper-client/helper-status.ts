/**
 * The helper's status as the app shows it: a state, what happened, and what the user can do about it. Derived
 * from the code of the last connection attempt, so the words live in one place (the renderer only displays them).
 */
import type { HelperClientError } from './helper-client-errors';

export const helperConnectionStates = [
  'connecting',
  'connected',
  'not-installed',
  'version-mismatch',
  'untrusted',
  'unreachable',
] as const;

export type HelperConnectionState = (typeof helperConnectionStates)[number];

export interface HelperStatus {
  state: HelperConnectionState;
  /** What happened, in a sentence. */
  detail: string;
  /** What the user can do about it; empty when there is nothing to do. */
  action: string;
  /** The connected helper's version (null until connected). */
  helperVersion: string | null;
}

export const helperGroupName = 'backup-manager';

export function connectingStatus(): HelperStatus {
  return {
    state: 'connecting',
    detail: 'Connecting to the Backup Manager helper…',
    action: '',
    helperVersion: null,
  };
}

export function connectedStatus(helperVersion: string, testMode: boolean): HelperStatus {
  const mode = testMode ? ' (test mode: it runs as your own user)' : '';
  return {
    state: 'connected',
    detail: `Connected to the Backup Manager helper ${helperVersion}${mode}.`,
    action: '',
    helperVersion,
  };
}

/** The status after a failed connection attempt. */
export function statusOfFailure(
  error: HelperClientError,
  platform: NodeJS.Platform = process.platform,
  testMode = false,
): HelperStatus {
  const base = { detail: sentence(error.message), helperVersion: null };
  switch (error.code) {
    case 'HELPER_NOT_INSTALLED':
      return {
        ...base,
        state: 'not-installed',
        action: 'Install the Backup Manager helper service (it comes with the Backup Manager package).',
      };
    case 'PROTOCOL_MISMATCH':
      return {
        ...base,
        state: 'version-mismatch',
        action: 'Update Backup Manager so the app and the helper are the same version.',
      };
    case 'HELPER_UNTRUSTED':
      return {
        ...base,
        state: 'untrusted',
        action:
          'Reinstall the Backup Manager helper service; until then the app does not talk to it, because the ' +
          'socket was not created by the real helper.',
      };
    case 'HELPER_ACCESS_DENIED':
      return {
        ...base,
        state: 'unreachable',
        action:
          platform === 'win32'
            ? 'Sign in with an account that may use Backup Manager (ask your administrator).'
            : `Add your user to the ${helperGroupName} group (sudo usermod -aG ${helperGroupName} $USER), ` +
              'then log out and in again.',
      };
    case 'HELPER_UNREACHABLE':
      return {
        ...base,
        state: 'unreachable',
        action: testMode
          ? 'Start a helper by hand: npm run helper -- --socket PATH --state-dir DIR --test-mode (development only).'
          : platform === 'win32'
            ? 'Start it: start the "Backup Service Controller" service in Services.'
            : 'Start it: sudo systemctl start backup-manager-helper',
      };
  }
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
