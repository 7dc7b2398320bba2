/**
 * What an S3 failure means for the engine: whether it is worth another attempt (s3-retry.ts), and which engine
 * error code it becomes once the attempts are spent. Messages are written here, not copied from the server or
 * the SDK, so that nothing of the request (access key, signature, session token) reaches a message or a log; the
 * cause kept is a plain summary (error name and HTTP status), not the SDK's error with its request attached.
 */
import { EngineError } from '../errors';

/** The fields of an SDK (or Node network) error this file looks at. */
interface S3Failure {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Node's codes for a connection that could not be made or was cut (the SDK passes them through). */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** S3 error codes worth another attempt, as a 5xx is: the server asks to slow down or come back, or a body was damaged. */
const retryableCodes = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequests',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  // The body the server received is not the one sent (Content-MD5, or a signed payload's hash): sent again.
  'BadDigest',
  'XAmzContentSHA256Mismatch',
]);

const authCodes = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

/** Quota and capacity refusals: Ceph's QuotaExceeded (403), and 507 Insufficient Storage of other servers. */
const quotaCodes = new Set(['QuotaExceeded', 'InsufficientStorage']);

function fields(error: unknown): S3Failure {
  return typeof error === 'object' && error !== null ? (error as S3Failure) : {};
}

function errorCode(error: S3Failure): string {
  return error.Code ?? error.name ?? '';
}

function status(error: S3Failure): number | undefined {
  return error.$metadata?.httpStatusCode;
}

/** A failure of the connection itself (refused, reset, timed out), not an answer from the server. */
export function isNetworkFailure(error: unknown): boolean {
  const failure = fields(error);
  if (failure.code !== undefined && networkCodes.has(failure.code)) return true;
  // The SDK's own timeouts (connection and socket), and a socket closed in the middle of an answer.
  return (
    failure.name === 'TimeoutError' ||
    failure.name === 'AbortError' ||
    /socket hang up|aborted|premature close/i.test(failure.message ?? '')
  );
}

/** Worth another attempt: the network failed, the server is overloaded or failing (5xx), or it throttles. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof EngineError) return error.code === 'REPO_UNREACHABLE';
  const failure = fields(error);
  const httpStatus = status(failure);
  return (
    isNetworkFailure(error) ||
    retryableCodes.has(errorCode(failure)) ||
    httpStatus === 429 ||
    (httpStatus !== undefined && httpStatus >= 500 && httpStatus !== 501 && httpStatus !== 507)
  );
}

/**
 * The engine error for a failed request about `what` (a key, or the bucket), after any retries. `where` is the
 * repository's location (no credentials in it).
 */
export function engineErrorOf(error: unknown, where: string, what: string): EngineError {
  if (error instanceof EngineError) return error;
  const failure = fields(error);
  const code = errorCode(failure);
  const httpStatus = status(failure);
  const summary = httpStatus === undefined ? code || 'error' : `${code || 'error'}, HTTP ${httpStatus}`;
  const cause = { cause: new Error(summary) };
  if (quotaCodes.has(code) || httpStatus === 507) {
    return new EngineError(
      'QUOTA_EXCEEDED',
      `${where}: the server refused to store ${what}: quota exceeded (${summary})`,
      cause,
    );
  }
  if (authCodes.has(code) || httpStatus === 401 || httpStatus === 403) {
    const reason =
      code === 'CredentialsProviderError'
        ? 'no S3 credentials were found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)'
        : `the server refused the credentials or denied access (${summary})`;
    return new EngineError('AUTH_FAILED', `${where}: ${reason}`, cause);
  }
  if (code === 'NoSuchKey' || code === 'NoSuchBucket' || (httpStatus === 404 && code !== 'NoSuchUpload')) {
    return new EngineError('NOT_FOUND', `${where}: ${what}: not found (${summary})`, cause);
  }
  if (code === 'InvalidRange' || httpStatus === 416) {
    return new EngineError('CORRUPT', `${where}: ${what} is shorter than the range read (truncated?)`, cause);
  }
  if (isRetryable(error)) {
    const detail = isNetworkFailure(error) ? (failure.code ?? failure.name ?? 'network failure') : summary;
    return new EngineError('REPO_UNREACHABLE', `${where}: the S3 server did not answer (${detail})`, cause);
  }
  return new EngineError('IO_ERROR', `${where}: ${what}: the S3 request failed (${summary})`, cause);
}
