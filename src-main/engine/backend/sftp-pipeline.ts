/**
 * Pipelined SFTP transfers: several READ or WRITE requests in flight on one handle, as OpenSSH's sftp and ssh2's
 * fastGet/fastPut do. ssh2's own read/write send a large transfer as one request after another, each waiting for
 * the server's reply: a round trip (through sshd's processes) per 255 KiB, which left the link idle most of the
 * time — a backup over SFTP on 127.0.0.1 ran at a fifth of restic's speed.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import { EngineError } from '../errors';

/** One SSH connection's SFTP session; `closed` once the connection has gone (its requests can no longer be sent). */
export interface SftpSession {
  readonly client: Client;
  readonly sftp: SFTPWrapper;
  readonly closed: boolean;
  /**
   * Calls `listener` once when the session goes (at once, on a later tick, if it has gone already); returns what
   * unsubscribes it.
   */
  onGone(listener: () => void): () => void;
}

/** Maps an ssh2 failure to an EngineError naming `what` (and forgets a dropped connection): the backend's. */
export type SftpErrorMapper = (error: Error, what: string) => EngineError;

/**
 * Bytes of one transfer in flight at once: enough requests to keep the link busy while the server works on the
 * earlier ones (eight of OpenSSH's 255 KiB), and no more than the 2 MiB SSH channel window lets through anyway.
 */
export const defaultBytesInFlight = 2 * 1024 * 1024;

/**
 * ssh2 sends a WRITE larger than the server's limit (limits@openssh.com) as several requests, the later ones from
 * the caller's buffer after the first reply — which would keep the caller's bytes past our promise. So a request is
 * never larger than the limit ssh2 negotiated; without that (private) value, less than ssh2's smallest default.
 */
function requestBytes(sftp: SFTPWrapper, field: '_maxWriteLen' | '_maxReadLen'): number {
  const negotiated = (sftp as unknown as Record<string, unknown>)[field];
  return typeof negotiated === 'number' && negotiated > 0 ? negotiated : 16 * 1024;
}

function unreachable(what: string): EngineError {
  return new EngineError('REPO_UNREACHABLE', `${what}: the SFTP connection was closed`);
}

/**
 * Sends one request on `session` and settles once: with its reply, or REPO_UNREACHABLE as soon as the session goes.
 * ssh2 answers the requests it knows of when a channel closes in order, but one sent while the socket was already
 * dying is dropped unanswered — a server killed mid-transfer then left a backup's verify waiting forever.
 */
export function sendGuarded<T>(
  session: SftpSession,
  what: string,
  send: (done: (error: Error | null | undefined, value?: T) => void) => void,
  mapError: SftpErrorMapper,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A request on a session whose connection went away would never be answered (ssh2 drops it silently).
    if (session.closed) {
      reject(unreachable(what));
      return;
    }
    let settled = false;
    const unsubscribe = session.onGone(() => {
      if (settled) return;
      settled = true;
      reject(unreachable(what));
    });
    try {
      send((error, value) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        if (error) reject(mapError(error, what));
        else resolve(value as T);
      });
    } catch (error) {
      settled = true;
      unsubscribe();
      reject(mapError(error as Error, what));
    }
  });
}

/**
 * Writes to one open file with several requests in flight. `write` resolves once its bytes are copied into requests
 * (ssh2 copies a WRITE's data when it builds the request) and no more than `maxBytesInFlight` are unacknowledged;
 * a failed request fails every later `write` and `drain`, which waits until the server acknowledged everything.
 */
export class PipelinedWrites {
  private bytesInFlight = 0;
  private failure: EngineError | null = null;
  /** Woken whenever a request is answered: `write` and `drain` calls waiting for room or for the end. */
  private waiting: (() => void)[] = [];

  constructor(
    private readonly session: SftpSession,
    private readonly handle: Buffer,
    private readonly what: string,
    private readonly mapError: SftpErrorMapper,
    private readonly maxBytesInFlight = defaultBytesInFlight,
  ) {}

  /** Sends `data` to be written at `position`; the caller may reuse `data` once this resolves. */
  async write(data: Uint8Array, position: number): Promise<void> {
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.length);
    const step = requestBytes(this.session.sftp, '_maxWriteLen');
    for (let offset = 0; offset < buffer.length; offset += step) {
      const length = Math.min(step, buffer.length - offset);
      while (
        this.failure === null &&
        this.bytesInFlight > 0 &&
        this.bytesInFlight + length > this.maxBytesInFlight
      ) {
        await this.answered();
      }
      if (this.failure === null && this.session.closed) this.failure = unreachable(this.what);
      if (this.failure !== null) throw this.failure;
      this.bytesInFlight += length;
      const { sftp } = this.session;
      const sent = sendGuarded<unknown>(
        this.session,
        this.what,
        (done) => sftp.write(this.handle, buffer, offset, length, position + offset, done),
        this.mapError,
      );
      sent.then(
        () => this.answer(length, null),
        (error: EngineError) => this.answer(length, error),
      );
    }
  }

  /** Waits until every write was acknowledged; throws the first failure. */
  async drain(): Promise<void> {
    while (this.bytesInFlight > 0) await this.answered();
    if (this.failure !== null) throw this.failure;
  }

  private answered(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A request was answered (or its session went): room for more, and the first failure is kept. */
  private answer(length: number, error: EngineError | null): void {
    this.bytesInFlight -= length;
    if (error !== null) this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}

/**
 * Reads `length` bytes at `start` of an open file into `into` with several requests in flight. Returns how many
 * bytes there were: less than `length` only when the file ended first (the caller decides whether that is an error).
 */
export async function readPipelined(
  session: SftpSession,
  handle: Buffer,
  into: Buffer,
  start: number,
  length: number,
  what: string,
  mapError: SftpErrorMapper,
  maxBytesInFlight = defaultBytesInFlight,
): Promise<number> {
  const step = requestBytes(session.sftp, '_maxReadLen');
  let end = length; // lowered to where the file ended, when it ends early
  const readOnce = (offset: number, count: number) =>
    sendGuarded<number>(
      session,
      what,
      (done) => session.sftp.read(handle, into, offset, count, start + offset, done),
      mapError,
    );
  /** One piece of the range; a short reply (the server may send less than asked) is followed by another. */
  const readPiece = async (offset: number, count: number) => {
    for (let done = 0; done < count; ) {
      const bytesRead = await readOnce(offset + done, count - done);
      if (bytesRead === 0) {
        end = Math.min(end, offset + done);
        return;
      }
      done += bytesRead;
    }
  };
  const pieces: number[] = [];
  for (let offset = 0; offset < length; offset += step) pieces.push(offset);
  const lanes = Math.max(1, Math.floor(maxBytesInFlight / step));
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < pieces.length && !failed) {
      const offset = pieces[next++] as number;
      if (offset >= end) return;
      try {
        await readPiece(offset, Math.min(step, length - offset));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Every lane is waited for even when one fails: no request may still write into `into` after we return.
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(lanes, pieces.length) }, lane));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return end;
}
