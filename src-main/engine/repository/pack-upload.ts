/**
 * A pack written to storage while it fills (Backend.startFile): its blobs' bytes are appended in the order the pack
 * writer took them, so a pack is never held in memory whole — a backup otherwise keeps the pack being filled and
 * the ones being written, tens of megabytes, plus every blob buffer in them until the next collection. Appends run
 * one after another; the first failure fails every later step of the same pack, which is then lost as a whole.
 */
import type { FileDraft, FileHandle } from '../backend/backend';

export class PackUpload {
  private draft: Promise<FileDraft> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  /** `start` opens the draft, on the first append (it waits for the write gate). */
  constructor(private readonly start: () => Promise<FileDraft>) {}

  /** Appends after every earlier append; rejects when this one or an earlier one failed. */
  append(parts: readonly Uint8Array[]): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.failure !== null) throw this.failure.error;
      try {
        this.draft ??= this.start();
        await (await this.draft).append(parts);
      } catch (error) {
        this.failure ??= { error };
        throw error;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Appends the last parts and names the pack; on any failure the draft is removed and the error thrown. */
  async commit(parts: readonly Uint8Array[], file: FileHandle): Promise<void> {
    try {
      await this.append(parts);
      await (await (this.draft as Promise<FileDraft>)).commit(file);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Removes what was written (after the appends in progress). */
  async abort(): Promise<void> {
    this.failure ??= { error: new Error('the pack upload was aborted') };
    await this.chain;
    const draft = this.draft;
    this.draft = null;
    await draft?.then(
      (opened) => opened.abort(),
      () => undefined,
    );
  }
}
