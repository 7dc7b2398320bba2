/**
 * Whether the helper service is installed on this machine, to tell "not installed" from "installed but not
 * running" when its socket is missing (systemd removes the socket's folder when the unit stops). The packages put
 * the unit and the wrapper at these paths (resources/linux/deb-postinst.sh). On Windows the service registry is
 * not read from here, so a missing pipe stays "not installed".
 */
import { existsSync } from 'node:fs';
import { HelperClientError } from './helper-client-errors';

export const installedHelperMarkers = [
  '/lib/systemd/system/backup-manager-helper.service',
  '/etc/systemd/system/backup-manager-helper.service',
  '/usr/bin/backup-manager-helper',
];

export function helperLooksInstalled(
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = existsSync,
): boolean {
  return platform === 'linux' && installedHelperMarkers.some((file) => exists(file));
}

/**
 * A missing socket, explained: in test mode nothing is "installed" (the developer starts the helper by hand); an
 * installed service is stopped, not missing.
 */
export function explainMissingSocket(
  error: HelperClientError,
  socketPath: string,
  testMode: boolean,
  installed: () => boolean = () => helperLooksInstalled(),
): HelperClientError {
  if (error.code !== 'HELPER_NOT_INSTALLED') return error;
  if (testMode)
    return new HelperClientError(
      'HELPER_UNREACHABLE',
      `no helper is listening at ${socketPath} (test mode: start one with \`npm run helper -- --socket ${socketPath} --state-dir DIR --test-mode\`)`,
      { cause: error },
    );
  if (installed())
    return new HelperClientError(
      'HELPER_UNREACHABLE',
      `the helper service is installed but not running (no socket at ${socketPath})`,
      { cause: error },
    );
  return error;
}
