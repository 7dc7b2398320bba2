/**
 * How the session and schedule commands reach the helper (the root service that runs sessions): the socket from
 * `--helper-socket PATH`, BACKUP_MANAGER_HELPER_SOCKET or the installed default; one connection per command,
 * closed when the command ends; every failure turned into a CliError with the client's code and a message that
 * says what to do about it.
 *
 * `--helper-test-mode` (or BACKUP_MANAGER_HELPER_TEST_MODE=1) accepts a socket owned by the current user instead of
 * root: for development and tests, where the helper runs unprivileged as the developer. Never for real use.
 */
import { version } from '../../../package.json';
import { type HelperEndpoint, helperEndpointFromEnv } from '../../app/helper-status';
import { HelperClient } from '../../helper-client/helper-client';
import { HelperClientError, HelperRequestError } from '../../helper-client/helper-client-errors';
import { statusOfFailure } from '../../helper-client/helper-status';
import { optionValue, type ParsedArgs } from '../cli-args';
import { CliError } from '../cli-command';

export const helperOptions = {
  'helper-socket': { value: true },
  'helper-test-mode': {},
} as const;

/** For the usage texts of every helper command. */
export const helperOptionsUsage = `  --helper-socket PATH       the helper's socket (default: BACKUP_MANAGER_HELPER_SOCKET, else the installed one)
  --helper-test-mode         development/tests only: accept a helper running as the current user`;

export function helperEndpointOf(args: ParsedArgs, env: NodeJS.ProcessEnv): HelperEndpoint {
  const fromEnv = helperEndpointFromEnv(env);
  return {
    socketPath: optionValue(args, 'helper-socket') ?? fromEnv.socketPath,
    testMode: args.flags.has('helper-test-mode') || fromEnv.testMode,
  };
}

/** Connects, runs `use`, and closes the connection however `use` ended. */
export async function withHelper<T>(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  use: (client: HelperClient) => Promise<T>,
): Promise<T> {
  const endpoint = helperEndpointOf(args, env);
  let client: HelperClient;
  try {
    client = await HelperClient.connect({ ...endpoint, clientName: `backup-manager-cli ${version}` });
  } catch (error) {
    throw helperCliError(error, endpoint);
  }
  try {
    return await use(client);
  } catch (error) {
    throw helperCliError(error, endpoint);
  } finally {
    client.close();
  }
}

/**
 * A CliError for a failure talking to the helper (same code, a message that says what to do); any other error
 * (a CliError of the command itself, a bug) is returned as it is.
 */
export function helperCliError(error: unknown, endpoint: HelperEndpoint): unknown {
  if (error instanceof HelperClientError) {
    return new CliError(error.code, `${error.message}. ${connectHint(error, endpoint)}`);
  }
  if (error instanceof HelperRequestError) {
    const hint = requestHints[error.code];
    return new CliError(error.code, hint === undefined ? error.message : `${error.message}. ${hint}`);
  }
  return error;
}

function connectHint(error: HelperClientError, endpoint: HelperEndpoint): string {
  // The app's words for the same failure (helper-client/helper-status.ts), plus what only the CLI offers.
  const action = statusOfFailure(error, process.platform, endpoint.testMode).action;
  switch (error.code) {
    case 'HELPER_NOT_INSTALLED':
      return `${action} If it listens elsewhere, give its socket with --helper-socket PATH or BACKUP_MANAGER_HELPER_SOCKET.`;
    case 'HELPER_UNTRUSTED':
      return endpoint.testMode
        ? action
        : `${action} (A development helper running as you needs --helper-test-mode; never use that for real backups.)`;
    default:
      return action;
  }
}

const requestHints: Readonly<Record<string, string>> = {
  SESSION_NOT_FOUND: 'List the sessions with: backup-manager session list',
  PASSWORD_REQUIRED:
    "Give the repository password (BACKUP_MANAGER_PASSWORD or --password-file FILE), or set the helper's password file",
  HELPER_DISCONNECTED:
    'The helper stopped or restarted; check it (sudo systemctl status backup-manager-helper) and run the command again',
};
