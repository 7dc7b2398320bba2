/**
 * Pipelined SFTP transfers against a scripted SFTP session: replies come back out of order, reads come back short,
 * requests fail — what a real server does only now and then. (sftp-backend.test.ts runs them against a real sshd.)
 */
import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { PipelinedWrites, readPipelined, type SftpSession } from './sftp-pipeline';

type Callback = (error: Error | undefined, count: number) => void;

/** A file behind a fake SFTP session: each request is answered after a random delay, in no particular order. */
function scriptedSession(options: {
  file: Buffer;
  requestLimit: number;
  /** The most bytes a READ reply carries (a server may send less than asked). */
  replyLimit?: number;
  failWriteAt?: number;
  /** Requests are taken but never answered (a connection dying under them). */
  unanswered?: boolean;
}) {
  const state = { inFlightBytes: 0, maxInFlightBytes: 0, requests: 0, pending: 0 };
  const later = (run: () => void) => {
    if (options.unanswered) return;
    state.pending++;
    setTimeout(
      () => {
        state.pending--;
        run();
      },
      Math.floor(Math.random() * 4),
    );
  };
  const sftp = {
    _maxReadLen: options.requestLimit,
    _maxWriteLen: options.requestLimit,
    read(_handle: Buffer, into: Buffer, offset: number, length: number, position: number, cb: Callback) {
      state.requests++;
      const count = Math.max(
        0,
        Math.min(length, options.replyLimit ?? length, options.file.length - position),
      );
      later(() => {
        if (count > 0) options.file.copy(into, offset, position, position + count);
        cb(undefined, count);
      });
    },
    write(_handle: Buffer, data: Buffer, offset: number, length: number, position: number, cb: Callback) {
      if (length > options.requestLimit) throw new Error(`a WRITE of ${length} bytes is over the limit`);
      state.requests++;
      state.inFlightBytes += length;
      state.maxInFlightBytes = Math.max(state.maxInFlightBytes, state.inFlightBytes);
      // ssh2 copies the bytes into the request when it is made: so does this.
      const copy = Buffer.from(data.subarray(offset, offset + length));
      later(() => {
        state.inFlightBytes -= length;
        const failing = options.failWriteAt !== undefined && position <= options.failWriteAt;
        if (failing && options.failWriteAt !== undefined && options.failWriteAt < position + length) {
          cb(Object.assign(new Error('Failure'), { code: 4 }), 0);
          return;
        }
        copy.copy(options.file, position);
        cb(undefined, length);
      });
    },
  };
  const listeners = new Set<() => void>();
  let closed = false;
  const session: SftpSession = {
    client: {} as SftpSession['client'],
    sftp: sftp as unknown as SFTPWrapper,
    get closed() {
      return closed;
    },
    onGone(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  /** The connection goes: what the real session does when ssh2 reports the close. */
  const goAway = () => {
    closed = true;
    for (const listener of [...listeners]) listener();
    listeners.clear();
  };
  return { session, state, goAway, listeners };
}

const mapError = (error: Error, what: string) => new EngineError('IO_ERROR', `${what}: ${error.message}`);
const handle = Buffer.from('handle');

describe('readPipelined', () => {
  it('reads a range equal to the file with replies out of order and short, into the given buffer', async () => {
    const file = randomBytes(1_000_003);
    const { session, state, listeners } = scriptedSession({ file, requestLimit: 32_768, replyLimit: 20_000 });
    const into = Buffer.alloc(900_000);
    const count = await readPipelined(session, handle, into, 77_777, 900_000, 'pack', mapError, 8 * 32_768);
    expect(count).toBe(900_000);
    // Each answered request stopped listening for the session going: nothing piles up on a long-lived session.
    expect(listeners.size).toBe(0);
    expect(into.equals(file.subarray(77_777, 77_777 + 900_000))).toBe(true);
    // Short replies were followed up, not taken for the end of the file.
    expect(state.requests).toBeGreaterThan(900_000 / 20_000);
    expect(state.pending).toBe(0);
  });

  it('reports where the file ended when it is shorter than the range', async () => {
    const file = randomBytes(100_000);
    const { session } = scriptedSession({ file, requestLimit: 8_192 });
    const into = Buffer.alloc(150_000);
    expect(await readPipelined(session, handle, into, 10_000, 150_000, 'pack', mapError)).toBe(90_000);
    expect(into.subarray(0, 90_000).equals(file.subarray(10_000))).toBe(true);
  });

  it('fails on a closed session without sending anything', async () => {
    const { session, state } = scriptedSession({ file: randomBytes(10), requestLimit: 8_192 });
    const closed: SftpSession = { ...session, closed: true, onGone: session.onGone };
    const error = await readPipelined(closed, handle, Buffer.alloc(10), 0, 10, 'pack', mapError).catch(
      (e: unknown) => e,
    );
    expect((error as EngineError).code).toBe('REPO_UNREACHABLE');
    expect(state.requests).toBe(0);
  });
});

describe('PipelinedWrites', () => {
  it('writes pieces of any size intact, keeps within its bytes in flight, and keeps nothing of the caller’s buffers', async () => {
    const file = Buffer.alloc(3_000_000);
    const { session, state } = scriptedSession({ file, requestLimit: 32_768 });
    const writes = new PipelinedWrites(session, handle, 'draft', mapError, 128 * 1024);
    const expected: Buffer[] = [];
    let position = 0;
    const reused = Buffer.alloc(300_000);
    for (const size of [1, 32_768, 32_769, 299_999, 65_536, 7, 200_000, 0, 150_001]) {
      const piece = randomBytes(size);
      piece.copy(reused);
      await writes.write(reused.subarray(0, size), position);
      expected.push(piece);
      position += size;
      reused.fill(0xee); // the caller reuses its buffer at once: what was sent must not change
    }
    await writes.drain();
    expect(file.subarray(0, position).equals(Buffer.concat(expected))).toBe(true);
    expect(state.maxInFlightBytes).toBeLessThanOrEqual(128 * 1024);
    expect(state.maxInFlightBytes).toBeGreaterThan(32_768); // several requests were in flight
    expect(state.pending).toBe(0);
  });

  it('fails later writes and drain with the first failure, after every request was answered', async () => {
    const file = Buffer.alloc(2_000_000);
    const { session, state } = scriptedSession({ file, requestLimit: 16_384, failWriteAt: 100_000 });
    const writes = new PipelinedWrites(session, handle, 'draft', mapError, 64 * 1024);
    const outcome = await (async () => {
      for (let at = 0; at < 1_000_000; at += 50_000) await writes.write(randomBytes(50_000), at);
      await writes.drain();
    })().catch((e: unknown) => e);
    expect((outcome as EngineError).code).toBe('IO_ERROR');
    await expect(writes.drain()).rejects.toThrow(/draft: Failure/);
    expect(state.pending).toBe(0);
  });
});

describe('a session that goes with requests unanswered', () => {
  it('fails reads and writes in flight REPO_UNREACHABLE instead of waiting for replies that never come', async () => {
    const { session, state, goAway, listeners } = scriptedSession({
      file: randomBytes(500_000),
      requestLimit: 16_384,
      unanswered: true,
    });
    const reading = readPipelined(session, handle, Buffer.alloc(200_000), 0, 200_000, 'pack', mapError).catch(
      (e: unknown) => e,
    );
    const writes = new PipelinedWrites(session, handle, 'draft', mapError, 64 * 1024);
    await writes.write(randomBytes(60_000), 0);
    const draining = writes.drain().catch((e: unknown) => e);
    expect(state.requests).toBeGreaterThan(1);
    goAway();
    expect(((await reading) as EngineError).code).toBe('REPO_UNREACHABLE');
    expect(((await draining) as EngineError).code).toBe('REPO_UNREACHABLE');
    // Later writes are refused without being sent.
    const sent = state.requests;
    await expect(writes.write(randomBytes(10), 60_000)).rejects.toMatchObject({ code: 'REPO_UNREACHABLE' });
    expect(state.requests).toBe(sent);
    expect(listeners.size).toBe(0);
  });
});
