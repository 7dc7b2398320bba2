/** Writing a file given as parts with writev: few system calls, no assembled copy of the parts. */

/** The one FileHandle method this needs (so tests can give a handle that writes short). */
export interface VectorWriter {
  writev(buffers: Uint8Array[]): Promise<{ bytesWritten: number }>;
}

/** Writes the parts back to back, in writev batches, resuming after short writes. */
export async function writeAll(handle: VectorWriter, parts: readonly Uint8Array[]): Promise<void> {
  const maxBatch = 512; // below IOV_MAX (1024 on Linux)
  let index = 0;
  let offset = 0; // bytes of parts[index] already written
  while (index < parts.length) {
    const batch: Uint8Array[] = [];
    for (let i = index; i < parts.length && batch.length < maxBatch; i++) {
      const part = parts[i] as Uint8Array;
      const rest = i === index ? part.subarray(offset) : part;
      if (rest.length > 0) batch.push(rest);
    }
    if (batch.length === 0) return;
    let { bytesWritten } = await handle.writev(batch);
    // Advance over what was written: whole parts first, then into the part that was cut short.
    while (index < parts.length) {
      const left = (parts[index] as Uint8Array).length - offset;
      if (bytesWritten < left) {
        offset += bytesWritten;
        break;
      }
      bytesWritten -= left;
      index++;
      offset = 0;
    }
  }
}
