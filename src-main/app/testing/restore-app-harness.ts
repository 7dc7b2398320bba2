/**
 * The app service over a fake helper, for the restore tests (app-harness.ts): in Electron mode with the remembered
 * passwords kept under `dir`, or in console mode (no secrets store); the helper answers from a table, records what
 * it was sent, and its notifications are pushed by the test.
 */
import path from 'node:path';
import { EncryptedSecretsFile } from '../repository-secrets';
import { appOverHelper, FakeHelper } from './app-harness';
import { testCipher } from './test-cipher';

export function restoreApp(dir: string, options: { connected?: boolean; console?: boolean } = {}) {
  const helper = new FakeHelper();
  const secrets = options.console
    ? undefined
    : new EncryptedSecretsFile(testCipher(), path.join(dir, 'secrets.json'));
  const app = appOverHelper({ helper, notifications: helper, connected: options.connected, secrets });
  return { helper, secrets, ...app };
}
