/**
 * Console-mode client of the contract: requests and events over the loopback WebSocket served by main. The
 * session cookie set by the console authenticates the connection; the browser sends it automatically.
 * Reconnects with exponential backoff; calls in flight when the link drops fail with DISCONNECTED.
 */
import type {
  BackupManagerApi,
  EventChannel,
  EventPayload,
  RequestChannel,
  RequestParams,
  RequestResult,
  Result,
  WireServerMessage,
} from '@contract';
import type { LinkObserver, LinkState } from './link';

type Pending = (result: Result<unknown>) => void;

export interface WebSocketClientOptions {
  url: string;
  /** Backoff bounds in milliseconds. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function createWebSocketClient(
  options: WebSocketClientOptions,
): BackupManagerApi & { link: LinkObserver } {
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 8000;
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(state: LinkState) => void>();
  let nextId = 1;
  let delay = minDelay;
  let socket: WebSocket | null = null;
  let state: LinkState = 'connecting';

  const setState = (next: LinkState) => {
    if (next === state) return;
    state = next;
    for (const listener of linkListeners) listener(next);
  };

  const failPending = () => {
    for (const resolve of pending.values()) {
      resolve({ ok: false, code: 'DISCONNECTED', message: 'The link to Backup Manager was lost.' });
    }
    pending.clear();
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      delay = minDelay;
      setState('connected');
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      const data = JSON.parse(message.data) as WireServerMessage;
      if (data.kind === 'reply') {
        if (data.id === null) return;
        pending.get(data.id)?.(data.result);
        pending.delete(data.id);
      } else {
        for (const listener of eventListeners.get(data.event) ?? []) listener(data.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      failPending();
      setState('disconnected');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, maxDelay);
    };
  };
  connect();

  return {
    invoke<C extends RequestChannel>(
      channel: C,
      params: RequestParams<C>,
    ): Promise<Result<RequestResult<C>>> {
      const ws = socket;
      if (ws === null || ws.readyState !== WebSocket.OPEN) {
        return Promise.resolve({
          ok: false,
          code: 'DISCONNECTED',
          message: 'Not connected to Backup Manager.',
        });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        ws.send(JSON.stringify({ id, channel, params }));
      });
    },
    subscribe<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    link: {
      get state() {
        return state;
      },
      onChange(listener) {
        linkListeners.add(listener);
        return () => linkListeners.delete(listener);
      },
    },
  };
}
