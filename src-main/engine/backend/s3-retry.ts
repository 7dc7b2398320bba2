/**
 * Attempts of one S3 request with exponential backoff. The SDK's own retries are switched off (maxAttempts 1)
 * so that a whole operation is retried — a read's body too, which the SDK does not retry once the headers
 * arrived — and so that what is retried is decided in one place (s3-errors.ts: network failures and timeouts,
 * 5xx, throttling such as SlowDown or 503).
 */
import { isRetryable } from './s3-errors';

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retry). */
  attempts: number;
  /** Delay before the second attempt; doubled for each one after it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** About 6 s of waiting in all before a failure is reported: a gateway restart or a short overload is ridden out. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

/** The delay before attempt `attempt` + 1 (attempt counts from 1): exponential, with jitter in its upper half. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Half fixed, half random: clients that failed together do not come back together.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Runs `operation` until it succeeds, fails with an error not worth retrying, or the attempts are spent. */
export async function withRetries<T>(policy: RetryPolicy, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(policy, attempt)));
    }
  }
}
