/*
 * The hot loop of restic's content-defined chunker (restic/chunker v0.4.0), ported from the TypeScript reference
 * src-main/engine/chunker/reference-chunker.ts (see that file and restic-format-v2.md §12 for the rules): the same
 * state, the same skip / hash / cut steps, the same results; only the hashing of long stretches runs in several
 * independent lanes (rabin-chunker.c says why that gives the same cuts). Only the byte loop lives here; the
 * TypeScript `Chunker` keeps the input position and the API.
 */
#ifndef HOTPATH_RABIN_CHUNKER_H
#define HOTPATH_RABIN_CHUNKER_H

#include <stddef.h>
#include <stdint.h>

#define RABIN_WINDOW_SIZE 64
#define RABIN_MIN_CHUNK_SIZE (512 * 1024)
#define RABIN_MAX_CHUNK_SIZE (8 * 1024 * 1024)
#define RABIN_TABLE_ENTRIES 256

/* Everything the chunker carries from one buffer to the next. Lives in memory owned by JavaScript (a byte
 * array per Chunker), so the addon keeps no state of its own and any thread may use it. */
typedef struct {
  /* The last 64 bytes hashed, oldest first. Kept current only between buffers and at chunk starts; inside a
   * buffer the outgoing byte is read from the buffer itself. */
  uint8_t window[RABIN_WINDOW_SIZE];
  /* The 53-bit fingerprint of the window. */
  uint64_t fingerprint;
  /* Bytes of the current chunk seen so far (≤ RABIN_MAX_CHUNK_SIZE). */
  uint32_t count;
  uint32_t reserved;
} rabin_state;

/* Per-polynomial tables (rabin-tables.ts): out[b] removes byte b leaving the window, mod[t] reduces after the
 * shift by 8 bits. */
typedef struct {
  const uint64_t *out;
  const uint64_t *mod;
} rabin_tables;

/* Starts a chunk: restic's reset (an empty window and fingerprint, then the byte 0x01 slid in). */
void rabin_start_chunk(rabin_state *state);

/*
 * Feeds data[start, length) until the current chunk ends. Returns the index just after the chunk's last byte
 * (a cut; the state is then reset for the next chunk, and the caller continues from there), or −1 when all of
 * the data was consumed without a cut (the state then holds what the next buffer needs).
 */
int64_t rabin_next_cut(rabin_state *state, const rabin_tables *tables, const uint8_t *data, size_t start,
                       size_t length);

#endif
