/**
 * Test support: the typed API of the UI (api-client.ts's BackupManagerApi) answered by handlers a test sets per
 * request channel, with every call recorded and events pushed by the test. A channel without a handler answers
 * HELPER_UNAVAILABLE, as when no helper is there. Tests only.
 */
import type {
  BackupManagerApi,
  EventChannel,
  EventPayload,
  RequestChannel,
  RequestParams,
  RequestResult,
  Result,
} from '@contract';

type Handler = (params: unknown) => Result<unknown> | Promise<Result<unknown>>;

export interface FakeApi extends BackupManagerApi {
  calls: { channel: RequestChannel; params: unknown }[];
  /** The handler may answer later (a promise), to test what happens while a request is under way. */
  handle<C extends RequestChannel>(
    channel: C,
    handler: (params: RequestParams<C>) => Result<RequestResult<C>> | Promise<Result<RequestResult<C>>>,
  ): void;
  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void;
  listeners(event: EventChannel): number;
  /** The params of every call of `channel`, in order. */
  paramsOf(channel: RequestChannel): unknown[];
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fakeApi(): FakeApi {
  const handlers = new Map<RequestChannel, Handler>();
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  return {
    calls,
    handle(channel, handler) {
      handlers.set(channel, handler as Handler);
    },
    async invoke(channel, params) {
      calls.push({ channel, params });
      const handler = handlers.get(channel);
      if (!handler)
        return { ok: false, code: 'HELPER_UNAVAILABLE', message: `no fake for ${channel}` } as never;
      return (await handler(params)) as never;
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listeners(event) {
      return listeners.get(event)?.size ?? 0;
    },
    paramsOf(channel) {
      return calls.filter((c) => c.channel === channel).map((c) => c.params);
    },
  };
}
