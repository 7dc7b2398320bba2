/**
 * A file written to an SFTP server piece by piece and named at the end (Backend.startFile; SftpBackend.write uses
 * one too): a temporary file next to the final name, written with pipelined requests (sftp-pipeline.ts), then at
 * commit — after the server acknowledged every byte — fsynced, closed and renamed. Until the rename nothing is under
 * the final name, so a dropped connection or a failed write never leaves a partial file where a reader looks.
 */
import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { EngineError } from '../errors';
import type { FileDraft, FileHandle, FileType } from './backend';
import { tempMarker } from './restic-layout';
import { PipelinedWrites, type SftpErrorMapper, type SftpSession } from './sftp-pipeline';

/** What a draft needs of the backend that opens it. */
export interface SftpDraftServer {
  session(): Promise<SftpSession>;
  /** One request on `session`, its failure mapped to an EngineError naming `what`. */
  callOn<T>(
    session: SftpSession,
    what: string,
    request: (sftp: SFTPWrapper, done: (error: Error | null | undefined, value?: T) => void) => void,
  ): Promise<T>;
  mapError: SftpErrorMapper;
  /** fsync@openssh.com when the server has it. */
  fsync(session: SftpSession, what: string, handle: Buffer): Promise<void>;
  /** POSIX rename when the server has it (replaces nothing: names are content hashes). */
  rename(from: string, to: string): Promise<void>;
  /** The final path of a file; throws INVALID_ARGUMENT for a name that is not an ID. */
  filePath(file: FileHandle): string;
}

/** Read-only for the owner, as restic writes repository files. */
const fileMode = 0o400;

/** Opens a draft of `type` as a new temporary file in `dir`. */
export async function openSftpDraft(
  server: SftpDraftServer,
  type: FileType,
  dir: string,
): Promise<FileDraft> {
  const temp = `${dir}/draft${tempMarker}${randomBytes(12).toString('hex')}`;
  const session = await server.session();
  const handle = await server.callOn<Buffer>(session, temp, (sftp, done) =>
    sftp.open(temp, 'wx', { mode: fileMode }, done),
  );
  const writes = new PipelinedWrites(session, handle, temp, server.mapError);
  let position = 0;
  let open = true;
  let finished = false;
  const close = async () => {
    if (!open) return;
    open = false;
    await server.callOn<void>(session, temp, (sftp, done) => sftp.close(handle, done));
  };
  const discard = async () => {
    // Requests still in flight are answered (or failed) before the file is removed: none lands after the unlink.
    await writes.drain().catch(() => undefined);
    await close().catch(() => undefined);
    // A new connection if this one dropped: the temporary file is removed when the server is back in time, else
    // it is left to removeTemporaryFiles.
    await server
      .session()
      .then((current) => server.callOn<void>(current, temp, (sftp, done) => sftp.unlink(temp, done)))
      .catch(() => undefined);
  };
  const assertOpen = () => {
    if (finished) {
      throw new EngineError('INVALID_ARGUMENT', `${temp}: the draft was already committed or aborted`);
    }
  };
  return {
    append: async (parts) => {
      assertOpen();
      for (const part of parts) {
        // Resolves once the bytes are in requests: nothing of `part` is kept (FileDraft's contract).
        await writes.write(part, position);
        position += part.length;
      }
    },
    commit: async (file) => {
      assertOpen();
      if (file.type !== type) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `a ${type} draft cannot be committed as a ${file.type} file`,
        );
      }
      const target = server.filePath(file); // a name that is not one throws here; the draft stays usable
      finished = true;
      try {
        await writes.drain();
        await server.fsync(session, temp, handle);
        await close();
        await server.rename(temp, target);
      } catch (error) {
        await discard();
        throw error;
      }
    },
    abort: async () => {
      if (finished) return;
      finished = true;
      await discard();
    },
  };
}
