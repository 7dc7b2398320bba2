/**
 * How S3 failures are classified without a server: which are retried (and that retrying stops when it should),
 * and which engine code each becomes. The real server's answers are exercised in s3-backend.test.ts; throttling
 * and 5xx, which a healthy test gateway never sends, are covered here with the SDK's error shapes.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { engineErrorOf, isRetryable } from './s3-errors';
import { backoffDelay, withRetries } from './s3-retry';

/** An error shaped as the SDK makes them for an S3 error answer. */
function answer(code: string, status: number): Error {
  return Object.assign(new Error(`${code} (the server's text)`), {
    name: code,
    Code: code,
    $metadata: { httpStatusCode: status },
  });
}

function network(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe('S3 failures', () => {
  it('retries network failures, timeouts, 5xx and throttling, and nothing the caller must fix', () => {
    for (const error of [
      network('ECONNREFUSED'),
      network('ECONNRESET'),
      Object.assign(new Error('Connection timed out after 10000 ms'), { name: 'TimeoutError' }),
      answer('SlowDown', 503),
      answer('ServiceUnavailable', 503),
      answer('InternalError', 500),
      answer('Unknown', 502),
      answer('TooManyRequests', 429),
      answer('BadDigest', 400),
      new EngineError('REPO_UNREACHABLE', 'the answer ended early'),
    ]) {
      expect(isRetryable(error), String(error)).toBe(true);
    }
    for (const error of [
      answer('NoSuchKey', 404),
      answer('SignatureDoesNotMatch', 403),
      answer('QuotaExceeded', 403),
      answer('InvalidRange', 416),
      answer('NotImplemented', 501),
      new EngineError('CORRUPT', 'short'),
    ]) {
      expect(isRetryable(error), String(error)).toBe(false);
    }
  });

  it('names each failure with its engine code, quota before access', () => {
    const codeOf = (error: unknown) => engineErrorOf(error, 's3:http://h/b', 'b/config').code;
    expect(codeOf(network('ECONNREFUSED'))).toBe('REPO_UNREACHABLE');
    expect(codeOf(answer('SlowDown', 503))).toBe('REPO_UNREACHABLE');
    expect(codeOf(answer('InvalidAccessKeyId', 403))).toBe('AUTH_FAILED');
    expect(codeOf(answer('SignatureDoesNotMatch', 403))).toBe('AUTH_FAILED');
    expect(codeOf(answer('AccessDenied', 403))).toBe('AUTH_FAILED');
    expect(codeOf(answer('Unknown', 403))).toBe('AUTH_FAILED'); // a HEAD's 403 has no body, so no code
    expect(
      codeOf(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })),
    ).toBe('AUTH_FAILED');
    expect(codeOf(answer('QuotaExceeded', 403))).toBe('QUOTA_EXCEEDED');
    expect(codeOf(answer('InsufficientStorage', 507))).toBe('QUOTA_EXCEEDED');
    expect(codeOf(answer('NoSuchKey', 404))).toBe('NOT_FOUND');
    expect(codeOf(answer('NotFound', 404))).toBe('NOT_FOUND');
    expect(codeOf(answer('NoSuchBucket', 404))).toBe('NOT_FOUND');
    expect(codeOf(answer('InvalidRange', 416))).toBe('CORRUPT');
    expect(codeOf(answer('MalformedXML', 400))).toBe('IO_ERROR');
  });

  it('writes its own messages: nothing of the server’s or the SDK’s text, which may quote the request', () => {
    const error = engineErrorOf(answer('SignatureDoesNotMatch', 403), 's3:http://h/b', 'b/config');
    expect(error.message).not.toContain("the server's text");
    expect(String(error.cause)).toBe('Error: SignatureDoesNotMatch, HTTP 403');
  });
});

describe('S3 retries', () => {
  const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 };

  it('tries again after throttling and succeeds', async () => {
    let calls = 0;
    const result = await withRetries(policy, async () => {
      if (++calls < 3) throw answer('SlowDown', 503);
      return 'stored';
    });
    expect(result).toBe('stored');
    expect(calls).toBe(3);
  });

  it('gives up after the policy’s attempts, and at once on an error not worth retrying', async () => {
    let calls = 0;
    const failing = withRetries(policy, async () => {
      calls++;
      throw network('ECONNREFUSED');
    });
    await expect(failing).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetries(policy, async () => {
        calls++;
        throw answer('AccessDenied', 403);
      }),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(calls).toBe(1);
  });

  it('backs off exponentially up to the ceiling, with jitter in the upper half', () => {
    const slow = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(slow, 1);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      const third = backoffDelay(slow, 3);
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
      expect(backoffDelay(slow, 9)).toBeLessThanOrEqual(1_000);
      expect(backoffDelay(slow, 9)).toBeGreaterThanOrEqual(500);
    }
  });
});
