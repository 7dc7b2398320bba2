/**
 * Keeps the app connected to the helper (the connection observer): connects, and after a failure or a lost
 * connection tries again with backoff — 500 ms doubling to 30 s, back to 500 ms after a success — so a helper
 * that is restarted, installed or started later is picked up without the user doing anything. A version mismatch
 * is retried at the longest delay only (it changes only when the app or the helper is updated).
 *
 * Every change of the helper status (helper-status.ts: state, what happened, what the user can do) goes to the
 * status listeners; the app pushes it to the renderer. Notification handlers registered here survive reconnects.
 * While retrying after a failure the status stays at that failure (it is what the user can act on); it shows
 * `connecting` only at start and right after a lost connection.
 */
import type { Disposable, NotificationType } from 'vscode-jsonrpc';
import { HelperClient, type HelperConnectOptions } from './helper-client';
import { HelperClientError } from './helper-client-errors';
import { connectedStatus, connectingStatus, type HelperStatus, statusOfFailure } from './helper-status';

export interface ReconnectBackoff {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: ReconnectBackoff = { initialMs: 500, maxMs: 30_000 };

export interface HelperConnectionOptions extends HelperConnectOptions {
  /** Delays between attempts; tests shorten them. */
  backoff?: ReconnectBackoff;
}

interface NotificationSubscription {
  type: NotificationType<unknown>;
  handler: (params: unknown) => void;
  /** The registration on the current client, if connected. */
  active: Disposable | undefined;
}

export class HelperConnection {
  private readonly backoff: ReconnectBackoff;
  private readonly statusListeners = new Set<(status: HelperStatus) => void>();
  private readonly subscriptions = new Set<NotificationSubscription>();
  private status: HelperStatus = connectingStatus();
  private client: HelperClient | null = null;
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by start and stop, so an attempt still in flight from before knows it is stale. */
  private generation = 0;
  private running = false;

  constructor(private readonly options: HelperConnectionOptions) {
    this.backoff = options.backoff ?? defaultBackoff;
    this.delayMs = this.backoff.initialMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.delayMs = this.backoff.initialMs;
    this.setStatus(connectingStatus());
    this.attempt(this.generation);
  }

  /** Stops reconnecting and closes the current connection. The status keeps its last value. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = null;
    client?.close();
  }

  /** The connected client, or null while not connected. */
  current(): HelperClient | null {
    return this.client;
  }

  currentStatus(): HelperStatus {
    return this.status;
  }

  /** Called with every status change (not with the current status: read `currentStatus()` for that). */
  onStatus(listener: (status: HelperStatus) => void): Disposable {
    this.statusListeners.add(listener);
    return { dispose: () => this.statusListeners.delete(listener) };
  }

  /** Calls `handler` for notifications of `type` from whichever helper connection is current, across reconnects. */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    const subscription: NotificationSubscription = {
      type: type as NotificationType<unknown>,
      handler: handler as (params: unknown) => void,
      active: this.client?.onNotification(type, handler),
    };
    this.subscriptions.add(subscription);
    return {
      dispose: () => {
        subscription.active?.dispose();
        this.subscriptions.delete(subscription);
      },
    };
  }

  private attempt(generation: number): void {
    // connectOnce settles every failure into a status; nothing is left to reject.
    void this.connectOnce(generation);
  }

  private async connectOnce(generation: number): Promise<void> {
    let client: HelperClient;
    try {
      client = await HelperClient.connect(this.options);
    } catch (error) {
      if (generation !== this.generation) return;
      const failure =
        error instanceof HelperClientError
          ? error
          : new HelperClientError(
              'HELPER_UNREACHABLE',
              error instanceof Error ? error.message : String(error),
            );
      this.setStatus(statusOfFailure(failure, process.platform, this.options.testMode ?? false));
      const waitMs = failure.code === 'PROTOCOL_MISMATCH' ? this.backoff.maxMs : this.delayMs;
      this.delayMs = Math.min(this.delayMs * 2, this.backoff.maxMs);
      this.retryAfter(waitMs, generation);
      return;
    }
    if (generation !== this.generation) {
      client.close();
      return;
    }
    this.client = client;
    this.delayMs = this.backoff.initialMs;
    for (const subscription of this.subscriptions) {
      subscription.active = client.onNotification(subscription.type, subscription.handler);
    }
    client.onClose(() => this.lost(client, generation));
    this.setStatus(connectedStatus(client.info.helperVersion, client.info.testMode));
  }

  private lost(client: HelperClient, generation: number): void {
    if (this.client !== client || generation !== this.generation) return;
    this.client = null;
    for (const subscription of this.subscriptions) subscription.active = undefined;
    this.setStatus(connectingStatus());
    this.retryAfter(this.delayMs, generation);
  }

  private retryAfter(delayMs: number, generation: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (generation === this.generation) this.attempt(generation);
    }, delayMs);
  }

  private setStatus(status: HelperStatus): void {
    const same =
      status.state === this.status.state &&
      status.detail === this.status.detail &&
      status.action === this.status.action &&
      status.helperVersion === this.status.helperVersion;
    this.status = status;
    if (same) return;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
