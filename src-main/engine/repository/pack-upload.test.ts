import { describe, expect, it } from 'vitest';
import type { FileDraft, FileHandle } from '../backend/backend';
import { EngineError } from '../errors';
import { PackUpload } from './pack-upload';

/** A draft that records what happens to it; appends take a moment, so overlapping calls would interleave. */
function recordingDraft(options: { failAppend?: number } = {}) {
  const events: string[] = [];
  let appends = 0;
  const draft: FileDraft = {
    async append(data) {
      const n = ++appends;
      await new Promise((resolve) => setTimeout(resolve, 5 - (n % 3)));
      if (n === options.failAppend) throw new EngineError('NO_SPACE', 'disk full');
      events.push(`append ${Buffer.concat(data).toString()}`);
    },
    async commit(file: FileHandle) {
      events.push(`commit ${file.name}`);
    },
    async abort() {
      events.push('abort');
    },
  };
  return { draft, events };
}

describe('PackUpload', () => {
  it('opens the draft on the first append, appends in call order, then commits', async () => {
    const { draft, events } = recordingDraft();
    let opened = 0;
    const upload = new PackUpload(async () => {
      opened++;
      return draft;
    });
    expect(opened).toBe(0);
    await Promise.all([
      upload.append([Buffer.from('a')]),
      upload.append([Buffer.from('b')]),
      upload.append([Buffer.from('c')]),
    ]);
    await upload.commit([Buffer.from('d')], { type: 'data', name: 'f'.repeat(64) });
    expect(opened).toBe(1);
    expect(events).toEqual(['append a', 'append b', 'append c', 'append d', `commit ${'f'.repeat(64)}`]);
  });

  it('fails every later step of a pack once an append failed, and commit then removes the draft', async () => {
    const { draft, events } = recordingDraft({ failAppend: 2 });
    const upload = new PackUpload(async () => draft);
    const first = upload.append([Buffer.from('a')]);
    const second = upload.append([Buffer.from('b')]);
    const third = upload.append([Buffer.from('c')]);
    await first;
    await expect(second).rejects.toThrow('disk full');
    await expect(third).rejects.toThrow('disk full');
    await expect(upload.commit([Buffer.from('d')], { type: 'data', name: 'e'.repeat(64) })).rejects.toThrow(
      'disk full',
    );
    expect(events).toEqual(['append a', 'abort']);
  });

  it('a draft that cannot be opened (the write gate rejected) fails the appends; abort is harmless', async () => {
    const upload = new PackUpload(async () => {
      throw new EngineError('REPO_LOCKED', 'locked');
    });
    await expect(upload.append([Buffer.from('a')])).rejects.toThrow('locked');
    await upload.abort();
    await expect(upload.append([Buffer.from('b')])).rejects.toThrow('locked');
  });
});
