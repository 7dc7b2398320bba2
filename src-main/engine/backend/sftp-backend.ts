/**
 * A repository on an SFTP server, in restic's layout (restic-layout.ts), through the `ssh2` package.
 *
 * - The server's host key must be known: it is checked against a known_hosts file (plain or hashed host names) or
 *   against pinned SHA-256 fingerprints. An unknown or different key is HOST_KEY_MISMATCH — never accepted blindly.
 * - Writes are atomic and durable: a temporary file next to the final name, fsync (OpenSSH's fsync extension when
 *   the server has it), close, then a rename (OpenSSH's POSIX rename when available) — see sftp-draft.ts.
 * - Transfers keep several requests in flight (sftp-pipeline.ts); reads land in the caller's buffer.
 * - One connection with a few SFTP channels taken in turn, opened on first use and opened again after it drops; a
 *   failed connection is REPO_UNREACHABLE, refused credentials AUTH_FAILED.
 */
import { randomBytes } from 'node:crypto';
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { EngineError, isEngineError } from '../errors';
import { isId } from '../ids';
import type { Backend, FileDraft, FileHandle, FileInfo, FileType, ReadRange, WriteData } from './backend';
import {
  filePathParts,
  repositoryDirs,
  resolveRange,
  statConfig,
  tempMarker,
  typeDirs,
} from './restic-layout';
import { openSftpConnection, type SftpOptions } from './sftp-connection';
import { openSftpDraft, type SftpDraftServer } from './sftp-draft';
import { readPipelined, type SftpSession, sendGuarded } from './sftp-pipeline';

/** SSH_FX_* status codes of SFTP v3 (draft-ietf-secsh-filexfer-02). */
const noSuchFile = 2;
const permissionDenied = 3;

const dirMode = 0o700;

export {
  hostKeyFingerprint,
  knownHostKeys,
  readKnownHosts,
  type SftpLocation,
  type SftpOptions,
} from './sftp-connection';

type SftpError = Error & { code?: number | string };

export class SftpBackend implements Backend {
  readonly location: string;
  /** The connection's SFTP channels (sftp-connection.ts); operations take them in turn. */
  private connection: Promise<SftpSession[]> | null = null;
  private nextChannel = 0;
  /** What drafts (sftp-draft.ts) use of this backend. */
  private readonly draftServer: SftpDraftServer = {
    session: () => this.connect(),
    callOn: (session, what, request) => this.callOn(session, what, request),
    mapError: (error, what) => this.mapError(error, what),
    fsync: (session, what, handle) => this.fsync(session, what, handle),
    rename: (from, to) => this.rename(from, to),
    filePath: (file) => this.filePath(file),
  };

  constructor(private readonly options: SftpOptions) {
    this.location = `sftp://${options.user}@${options.host}:${options.port}/${options.path.replace(/^\/+/, '/')}`;
  }

  async create(): Promise<void> {
    if (await this.exists()) {
      throw new EngineError('ALREADY_EXISTS', `${this.location}: a repository already exists here`);
    }
    await this.mkdirs(this.options.path);
    for (const parts of repositoryDirs()) await this.mkdir(this.join(parts));
  }

  async exists(): Promise<boolean> {
    return (await statConfig((file) => this.stat(file))) !== null;
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    if (type === 'config') {
      const config = await statConfig((file) => this.stat(file));
      if (config !== null) yield config;
      return;
    }
    const dir = this.join([typeDirs[type]]);
    const dirs =
      type === 'data'
        ? (await this.readDir(dir))
            .filter((entry) => /^[0-9a-f]{2}$/.test(entry.filename))
            .map((entry) => `${dir}/${entry.filename}`)
        : [dir];
    for (const d of dirs) {
      for (const entry of await this.readDir(d)) {
        if (!isId(entry.filename)) continue; // temporary files of writes in progress, and anything foreign
        yield { type, name: entry.filename, size: entry.attrs.size };
      }
    }
  }

  async stat(file: FileHandle): Promise<FileInfo> {
    const target = this.filePath(file);
    const attrs = await this.call<Stats>(target, (sftp, done) => sftp.stat(target, done));
    return { type: file.type, name: file.name, size: attrs.size };
  }

  async read(file: FileHandle, range?: ReadRange): Promise<Buffer> {
    const target = this.filePath(file);
    const session = await this.connect();
    const handle = await this.callOn<Buffer>(session, target, (sftp, done) => sftp.open(target, 'r', done));
    try {
      const size =
        range?.length !== undefined && range.offset >= 0
          ? null
          : (await this.callOn<Stats>(session, target, (sftp, done) => sftp.fstat(handle, done))).size;
      const { start, length } =
        size === null
          ? { start: range?.offset ?? 0, length: range?.length ?? 0 }
          : resolveRange(target, size, range);
      const into = range?.into;
      const buffer =
        into !== undefined && into.length >= length
          ? Buffer.from(into.buffer, into.byteOffset, length)
          : Buffer.allocUnsafe(length);
      const bytesRead = await readPipelined(session, handle, buffer, start, length, target, (error, what) =>
        this.mapError(error, what),
      );
      if (bytesRead < length) {
        throw new EngineError(
          'CORRUPT',
          `${target}: file ended after ${start + bytesRead} bytes, ${start + length} expected (truncated?)`,
        );
      }
      return buffer;
    } finally {
      await this.callOn<void>(session, target, (sftp, done) => sftp.close(handle, done)).catch(
        () => undefined,
      );
    }
  }

  async write(file: FileHandle, data: WriteData): Promise<void> {
    const target = this.filePath(file);
    const draft = await openSftpDraft(this.draftServer, file.type, target.slice(0, target.lastIndexOf('/')));
    try {
      await draft.append(data instanceof Uint8Array ? [data] : data);
      await draft.commit(file);
    } catch (error) {
      await draft.abort();
      throw error;
    }
  }

  /**
   * A pack streamed to the server as it fills (see FileDraft): a temporary file in a directory of its type (for
   * packs, one of data/'s 256 at random), renamed to its name at commit.
   */
  async startFile(type: FileType): Promise<FileDraft> {
    if (type === 'config') throw new EngineError('INVALID_ARGUMENT', 'the config is not written as a draft');
    const base = this.join([typeDirs[type]]);
    return openSftpDraft(
      this.draftServer,
      type,
      type === 'data' ? `${base}/${randomBytes(1).toString('hex')}` : base,
    );
  }

  /** Deletes temporary files interrupted writes left (see Backend.removeTemporaryFiles: under an exclusive lock). */
  async removeTemporaryFiles(): Promise<{ files: number; bytes: number }> {
    const removed = { files: 0, bytes: 0 };
    const dataDir = this.join([typeDirs.data]);
    const dirs = [
      ...(await this.readDir(dataDir))
        .filter((entry) => /^[0-9a-f]{2}$/.test(entry.filename))
        .map((entry) => `${dataDir}/${entry.filename}`),
      ...(['key', 'index', 'snapshot', 'lock'] as const).map((type) => this.join([typeDirs[type]])),
      this.join([]), // the config's
    ];
    for (const dir of dirs) {
      for (const entry of await this.readDir(dir)) {
        if (!entry.filename.includes(tempMarker)) continue;
        const file = `${dir}/${entry.filename}`;
        try {
          await this.call<void>(file, (sftp, done) => sftp.unlink(file, done));
          removed.files++;
          removed.bytes += entry.attrs.size;
        } catch (error) {
          if (!isEngineError(error, 'NOT_FOUND')) throw error;
        }
      }
    }
    return removed;
  }

  async remove(file: FileHandle): Promise<void> {
    const target = this.filePath(file);
    try {
      await this.call<void>(target, (sftp, done) => sftp.unlink(target, done));
    } catch (error) {
      if (!isEngineError(error, 'NOT_FOUND')) throw error;
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection === null) return;
    try {
      (await connection)[0]?.client.end();
    } catch {
      // never connected: nothing to close
    }
  }

  /** The path of a file on the server; rejects names that are not IDs. */
  filePath(file: FileHandle): string {
    return this.join(filePathParts(file));
  }

  private join(parts: readonly string[]): string {
    return [this.options.path.replace(/\/+$/, ''), ...parts].join('/');
  }

  private async readDir(dir: string) {
    try {
      return await this.call<FileEntryWithStats[]>(dir, (sftp, done) => sftp.readdir(dir, done));
    } catch (error) {
      if (isEngineError(error, 'NOT_FOUND')) return [];
      throw error;
    }
  }

  private async mkdir(dir: string): Promise<void> {
    try {
      await this.call<void>(dir, (sftp, done) => sftp.mkdir(dir, { mode: dirMode }, done));
    } catch (error) {
      // An existing directory: mkdir fails with a generic failure; fine if it is there.
      await this.call<Stats>(dir, (sftp, done) => sftp.stat(dir, done)).catch(() => {
        throw error;
      });
    }
  }

  /** mkdir -p (a relative path is relative to the login directory, as the server resolves it). */
  private async mkdirs(dir: string): Promise<void> {
    const root = dir.startsWith('/') ? '/' : '';
    const parts = dir.split('/').filter((part) => part !== '');
    for (let i = 1; i <= parts.length; i++) await this.mkdir(`${root}${parts.slice(0, i).join('/')}`);
  }

  private async fsync(session: SftpSession, what: string, handle: Buffer): Promise<void> {
    // OpenSSH's fsync@openssh.com; a server without it gives no durability promise beyond close.
    if (typeof session.sftp.ext_openssh_fsync !== 'function') return;
    await this.callOn<void>(session, what, (s, done) => s.ext_openssh_fsync(handle, done)).catch((error) => {
      if (!(error instanceof EngineError && /not supported/i.test(error.message))) throw error;
    });
  }

  private async rename(from: string, to: string): Promise<void> {
    try {
      await this.call<void>(to, (sftp, done) => sftp.ext_openssh_rename(from, to, done));
    } catch (error) {
      if (!(error instanceof EngineError && /not supported/i.test(error.message))) throw error;
      await this.call<void>(to, (sftp, done) => sftp.rename(from, to, done));
    }
  }

  /** Runs one SFTP request, mapping its failure to an EngineError naming `what`. */
  private async call<T>(
    what: string,
    request: (sftp: SFTPWrapper, done: (error: Error | null | undefined, value?: T) => void) => void,
  ): Promise<T> {
    return this.callOn(await this.connect(), what, request);
  }

  /** `call` on a given session (one whose handle the request uses). */
  private callOn<T>(
    session: SftpSession,
    what: string,
    request: (sftp: SFTPWrapper, done: (error: Error | null | undefined, value?: T) => void) => void,
  ): Promise<T> {
    return sendGuarded<T>(
      session,
      `${this.location} (${what})`,
      (done) => request(session.sftp, done),
      (error) => this.mapError(error as SftpError, what),
    );
  }

  private mapError(error: SftpError, what: string): EngineError {
    if (error instanceof EngineError) return error;
    if (error.code === noSuchFile)
      return new EngineError('NOT_FOUND', `${what}: not found`, { cause: error });
    if (error.code === permissionDenied) {
      return new EngineError('IO_ERROR', `${what}: permission denied on ${this.options.host}`, {
        cause: error,
      });
    }
    if (typeof error.code === 'number') {
      return new EngineError('IO_ERROR', `${what}: ${error.message}`, { cause: error });
    }
    // Not an SFTP status: the connection itself failed or dropped.
    this.connection = null;
    return new EngineError('REPO_UNREACHABLE', `${this.location}: ${error.message}`, { cause: error });
  }

  private async connect(): Promise<SftpSession> {
    if (this.connection === null) {
      // Forgotten when it drops or fails to open — only this one: a late event of an old connection must not
      // drop the new one.
      const forget = () => {
        if (this.connection === connection) this.connection = null;
      };
      const connection: Promise<SftpSession[]> = openSftpConnection(
        this.options,
        this.location,
        forget,
      ).catch((error: unknown) => {
        forget();
        throw error;
      });
      this.connection = connection;
    }
    const channels = await this.connection;
    return channels[this.nextChannel++ % channels.length] as SftpSession;
  }
}
