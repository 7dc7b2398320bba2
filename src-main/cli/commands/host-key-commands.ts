/**
 * `backup-manager helper-settings host-key` and `trust-host-key`: the SSH host key of the helper's SFTP repository
 * (or of another location) as the helper sees it, and trusting it once the user compared the fingerprint with the
 * server's own (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server). Nothing is ever trusted without
 * the fingerprint being typed: the helper refuses one the server does not present right now.
 */
import {
  type HostKeyState,
  RepositoryHostKeyRequest,
  RepositoryTrustHostKeyRequest,
} from '../../helper-protocol/protocol';
import { optionValue, UsageError } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { helperOptions, helperOptionsUsage, withHelper } from './helper-access';

const statusText: Record<HostKeyState['status'], string> = {
  trusted: 'trusted (you trusted this key)',
  'known-host': "known (in the helper's known_hosts)",
  unknown: 'NOT TRUSTED: compare the fingerprint with the server, then trust it',
  changed: 'CHANGED: the server presents another key than the one you trusted',
};

function hostKeyText(state: HostKeyState): string {
  const lines = [
    `server       ${state.host}:${state.port}`,
    `key          ${state.algorithm} ${state.fingerprint}`,
    `status       ${statusText[state.status]}`,
  ];
  if (state.trustedFingerprint !== null && state.status === 'changed')
    lines.push(`trusted was  ${state.trustedFingerprint}`);
  if (state.status === 'unknown' || state.status === 'changed')
    lines.push(
      '',
      'On the server, run: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      `If it prints the same fingerprint: backup-manager helper-settings trust-host-key ${state.fingerprint} --host ${state.host} --port ${state.port}`,
    );
  return lines.join('\n');
}

const hostKey: CliCommand = {
  path: ['helper-settings', 'host-key'],
  summary: "Show the SSH host key of the helper's SFTP repository and whether it is trusted",
  usage: `Usage: backup-manager helper-settings host-key [--repo LOCATION] [--json]

  --repo LOCATION            an SFTP location to ask instead of the helper's repository
${helperOptionsUsage}`,
  options: { ...helperOptions, repo: { value: true } },
  async run(args, { out, env }) {
    if (args.positionals.length > 0) throw new UsageError('helper-settings host-key takes no arguments');
    const repository = optionValue(args, 'repo');
    const state = await withHelper(args, env, (client) =>
      client.request(RepositoryHostKeyRequest.type, repository === undefined ? {} : { repository }),
    );
    out.result({ hostKey: state }, () => hostKeyText(state));
    // Scripts can tell a key that needs a person from one that is fine.
    return state.status === 'trusted' || state.status === 'known-host' ? 0 : 3;
  },
};

const trustHostKey: CliCommand = {
  path: ['helper-settings', 'trust-host-key'],
  summary: 'Trust an SFTP server host key after comparing its fingerprint with the server',
  usage: `Usage: backup-manager helper-settings trust-host-key SHA256:FINGERPRINT --host HOST [--port PORT]

  The helper connects and trusts the key only if the server presents exactly this fingerprint now.
${helperOptionsUsage}`,
  options: { ...helperOptions, host: { value: true }, port: { value: true } },
  async run(args, { out, env }) {
    const [fingerprint, ...rest] = args.positionals;
    if (fingerprint === undefined || rest.length > 0)
      throw new UsageError('give exactly one fingerprint (SHA256:…), as host-key prints it');
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint))
      throw new UsageError(
        `${JSON.stringify(fingerprint)} is not a SHA256 fingerprint (SHA256: and 43 characters)`,
      );
    const host = optionValue(args, 'host');
    if (host === undefined) throw new UsageError('--host is required (host-key prints the command to run)');
    const portText = optionValue(args, 'port') ?? '22';
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      throw new UsageError(`--port needs a port number, not ${JSON.stringify(portText)}`);
    const { settings } = await withHelper(args, env, (client) =>
      client.request(RepositoryTrustHostKeyRequest.type, { host, port: Number(portText), fingerprint }),
    );
    out.result(
      { trustedHostKeys: settings.trustedHostKeys },
      () => `trusted ${host}:${portText} ${fingerprint}`,
    );
    return 0;
  },
};

export const hostKeyCommands: readonly CliCommand[] = [hostKey, trustHostKey];
