/**
 * Test support: the app service over a fake helper, every call going through the contract's dispatcher (so each
 * result is also checked against the strict schemas), with the events it pushes, its log lines and the dispatcher's
 * internal errors recorded. FakeHelper answers each method from a table and records what it was sent; a test with
 * a helper of its own passes that instead. Tests only.
 */
import type { CancellationToken, Disposable, NotificationType } from 'vscode-jsonrpc';
import type { EventChannel, HelperStatus, RequestChannel, RequestParams } from '../../ipc/contract';
import { createRequestDispatcher } from '../../ipc/request-dispatcher';
import { createAppService } from '../app-service';
import type { HelperNotifications, HelperRequests } from '../helper-requests';
import type { RepositorySecrets } from '../repository-secrets';

/** What main reports while no helper answers: the status screens show it. */
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

export function appOverHelper(options: {
  helper: HelperRequests;
  /** Where helper notifications come from (FakeHelper is one); none when omitted. */
  notifications?: HelperNotifications;
  /** False: no helper connection at all (helperRequests() gives null). */
  connected?: boolean;
  /** Remembered passwords, as in Electron; without, the service runs as the console (which keeps none). */
  secrets?: RepositorySecrets;
}) {
  const logs: string[] = [];
  const service = createAppService({
    info: { version: '1.2.3', mode: options.secrets ? 'electron' : 'console' },
    collectOverview: () => Promise.reject(new Error('not in these tests')),
    helper: { status: () => unreachable, onStatus: () => () => undefined },
    helperRequests: () => (options.connected === false ? null : options.helper),
    helperNotifications: options.notifications,
    log: (message) => logs.push(message),
    secrets: options.secrets,
  });
  const internal: unknown[] = [];
  const dispatcher = createRequestDispatcher(service.handlers, {
    onInternalError: (_channel, error) => internal.push(error),
  });
  const events: { event: EventChannel; payload: unknown }[] = [];
  service.events.onAny((event, payload) => events.push({ event, payload }));
  const call = <C extends RequestChannel>(channel: C, params: RequestParams<C>) =>
    dispatcher.dispatch(channel, params);
  return { service, dispatcher, call, events, logs, internal };
}
