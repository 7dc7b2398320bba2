/**
 * The app service over a fake helper, for the restore tests: every call goes through the contract's dispatcher (so
 * each result is checked against the strict schemas), the helper answers from a table and records what it was
 * sent, and its notifications are pushed by the test.
 */
import path from 'node:path';
import type { CancellationToken, Disposable, NotificationType } from 'vscode-jsonrpc';
import type { EventChannel, HelperStatus, RequestChannel, RequestParams } from '../../ipc/contract';
import { createRequestDispatcher } from '../../ipc/request-dispatcher';
import { createAppService } from '../app-service';
import type { HelperNotifications, HelperRequests } from '../helper-requests';
import { EncryptedSecretsFile } from '../repository-secrets';
import { testCipher } from './test-cipher';

export const unreachable: HelperStatus = {
  state: 'unreachable',
  detail: 'The Backup Manager helper service is not running.',
  action: 'Start it with: sudo systemctl start backup-manager-helper',
  helperVersion: null,
};

/** A helper answering each method from `answers` (a value, an error, or a function of the params and token). */
export class FakeHelper implements HelperRequests, HelperNotifications {
  readonly sent: { method: string; params: unknown; token?: CancellationToken }[] = [];
  readonly answers = new Map<string, unknown>();
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();

  async request<P, R>(type: { method: string }, params: P, token?: CancellationToken): Promise<R> {
    this.sent.push({ method: type.method, params, ...(token ? { token } : {}) });
    if (!this.answers.has(type.method)) throw new Error(`unexpected request ${type.method}`);
    let answer = this.answers.get(type.method);
    if (typeof answer === 'function') answer = await answer(params, token);
    if (answer instanceof Error) throw answer;
    // The table holds the helper's typed answers by method.
    return answer as R;
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    const set = this.handlers.get(type.method) ?? new Set();
    this.handlers.set(type.method, set);
    const untyped = handler as (params: unknown) => void;
    set.add(untyped);
    return { dispose: () => set.delete(untyped) };
  }

  notify(method: string, params: unknown): void {
    for (const handler of this.handlers.get(method) ?? []) handler(params);
  }

  paramsOf(method: string): unknown {
    return this.sent.find((s) => s.method === method)?.params;
  }
}

/**
 * `dir`: where the remembered passwords are kept (Electron mode); `console`: no secrets store, as in console mode.
 */
export function restoreApp(dir: string, options: { connected?: boolean; console?: boolean } = {}) {
  const helper = new FakeHelper();
  const logs: string[] = [];
  const secrets = options.console
    ? undefined
    : new EncryptedSecretsFile(testCipher(), path.join(dir, 'secrets.json'));
  const service = createAppService({
    info: { version: '1.2.3', mode: options.console ? 'console' : 'electron' },
    collectOverview: () => Promise.reject(new Error('not in these tests')),
    helper: { status: () => unreachable, onStatus: () => () => undefined },
    helperRequests: () => (options.connected === false ? null : helper),
    helperNotifications: helper,
    log: (message) => logs.push(message),
    secrets,
  });
  const internal: unknown[] = [];
  // Through the dispatcher, so every result is also checked against the contract's strict schemas.
  const dispatcher = createRequestDispatcher(service.handlers, {
    onInternalError: (_channel, error) => internal.push(error),
  });
  const events: { event: EventChannel; payload: unknown }[] = [];
  service.events.onAny((event, payload) => events.push({ event, payload }));
  const call = <C extends RequestChannel>(channel: C, params: RequestParams<C>) =>
    dispatcher.dispatch(channel, params);
  return { helper, service, call, events, logs, internal, secrets };
}
