/**
 * Routes one inbound request to its handler, whatever transport carried it.
 *
 * The only way into a handler: the channel must be an own key of the contract's request map (no prototype lookups,
 * no dispatch on arbitrary names) and the params must pass the channel's schema. Anything else is answered
 * `{ok:false, code:'INVALID_REQUEST'}` and never reaches a handler. Handler failures become data too.
 */
import { z } from 'zod';
import {
  type ErrorCode,
  ErrorCodeSchema,
  type RequestChannel,
  type RequestHandlers,
  type Result,
  requests,
} from './contract';

/** Thrown by handlers to fail with a specific contract error code. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface RequestDispatcher {
  dispatch(channel: unknown, params: unknown): Promise<Result<unknown>>;
}

export interface DispatcherOptions {
  /** Where unclassified handler failures are reported (they are also returned as INTERNAL). */
  onInternalError?: (channel: string, error: unknown) => void;
}

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.hasOwn(requests, channel);
}

export function createRequestDispatcher(
  handlers: RequestHandlers,
  options: DispatcherOptions = {},
): RequestDispatcher {
  return {
    async dispatch(channel, params) {
      if (!isRequestChannel(channel)) {
        return invalid(`Unknown channel ${describeChannel(channel)}.`);
      }
      const spec = requests[channel];
      const parsed = spec.params.safeParse(params);
      if (!parsed.success) {
        return invalid(`Invalid params for ${channel}: ${z.prettifyError(parsed.error)}`);
      }
      let value: unknown;
      try {
        // The cast is the one place the per-channel typing meets the runtime lookup; the schema above has
        // already proven the params have this channel's shape.
        const handler = handlers[channel] as (p: unknown) => Promise<unknown>;
        value = await handler(parsed.data);
      } catch (error) {
        if (error instanceof AppError && ErrorCodeSchema.safeParse(error.code).success) {
          return { ok: false, code: error.code, message: error.message };
        }
        options.onInternalError?.(channel, error);
        return { ok: false, code: 'INTERNAL', message: `${channel} failed: ${errorMessage(error)}` };
      }
      const checked = spec.result.safeParse(value);
      if (!checked.success) {
        const problem = new Error(
          `${channel} produced a result outside the contract: ${checked.error.message}`,
        );
        options.onInternalError?.(channel, problem);
        return { ok: false, code: 'INTERNAL', message: problem.message };
      }
      return { ok: true, value: checked.data };
    },
  };
}

function invalid(message: string): Result<never> {
  return { ok: false, code: 'INVALID_REQUEST', message };
}

function describeChannel(channel: unknown): string {
  if (typeof channel !== 'string') return `of type ${channel === null ? 'null' : typeof channel}`;
  return JSON.stringify(channel.length > 80 ? `${channel.slice(0, 80)}…` : channel);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
