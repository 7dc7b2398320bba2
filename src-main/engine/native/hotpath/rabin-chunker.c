/*
 * restic's chunk loop (see rabin-chunker.h). Per chunk: the first MinSize − 64 bytes are skipped without
 * hashing (no cut can happen there, and 64 bytes before MinSize fill the window for the first possible cut);
 * then every byte is slid through the fingerprint, and the chunk ends after the first byte, at or after MinSize,
 * where the low 20 fingerprint bits are zero — or at MaxSize.
 */
#include "rabin-chunker.h"

#include <stdbool.h>
#include <string.h>

/* A cut needs the low 20 fingerprint bits zero: on average one cut per MiB of hashed random data. */
#define SPLIT_MASK ((UINT64_C(1) << 20) - 1)
/* fp >> 45 is the fingerprint's top byte (degree 53 − 8). */
#define TOP_BYTE_SHIFT 45
#define SKIP_SIZE (RABIN_MIN_CHUNK_SIZE - RABIN_WINDOW_SIZE)

void rabin_start_chunk(rabin_state *state) {
  memset(state->window, 0, sizeof state->window);
  state->window[RABIN_WINDOW_SIZE - 1] = 1;
  /* Sliding 0x01 into a zero state: out[0] = 0 and mod[0] = 0, so fp = 1. */
  state->fingerprint = 1;
  state->count = 0;
}

/* One byte through the fingerprint: `outgoing` leaves the 64-byte window, `incoming` enters it. */
static inline uint64_t slide(const rabin_tables *tables, uint64_t fp, uint8_t outgoing, uint8_t incoming) {
  fp ^= tables->out[outgoing];
  return ((fp << 8) | incoming) ^ tables->mod[fp >> TOP_BYTE_SHIFT];
}

/*
 * Slides data[j, end) through the fingerprint `*fp`, one byte after the other, reading each outgoing byte 64
 * bytes back in `data` (so j − 64 must lie inside it). Returns the first index at or after `first_cut_index`
 * after which the fingerprint matches the split mask, or −1; `*fp` is then the fingerprint at `end`.
 */
static int64_t scan_bytes(const rabin_tables *tables, const uint8_t *data, size_t j, size_t end,
                          size_t first_cut_index, uint64_t *fp) {
  uint64_t f = *fp;
  for (; j < end; j++) {
    f = slide(tables, f, data[j - RABIN_WINDOW_SIZE], data[j]);
    if ((f & SPLIT_MASK) == 0 && j >= first_cut_index) return (int64_t)j;
  }
  *fp = f;
  return -1;
}

/*
 * Why the loop below may run several lanes at once: one byte update is a chain of dependent steps (a table load
 * waits for the previous fingerprint), so a single stream is bound by latency, not by the CPU's throughput. But a
 * Rabin fingerprint is a function of the window's 64 bytes alone — the update keeps fp = F(window) exactly, from
 * restic's reset state (window 0…0 01, fp = 1 = F(window)) on. So the fingerprint at any position can also be
 * computed from scratch, by sliding the 64 bytes before it into a zero state (out[0] = 0, F(zeros) = 0), and a
 * round of LANE_COUNT consecutive blocks can be hashed as independent chains that the CPU overlaps.
 * A round only answers "does any position in it match?"; the rare round that does (about one per MiB of hashed
 * data) is hashed again one byte after the other from its start, which finds the first match exactly as the plain
 * loop would. So the cuts are those of the plain loop, only found about three times faster.
 */
#define LANE_COUNT 4
#define LANE_BLOCK 4096
#define ROUND_SIZE (LANE_COUNT * LANE_BLOCK)

/* Hashes p[0, ROUND_SIZE) in LANE_COUNT lanes (64 bytes before p must be readable). Returns true if the
 * fingerprint matches the split mask after any byte, leaving *fp alone; otherwise sets *fp to the fingerprint at
 * the end of the round. */
static bool round_has_match(const rabin_tables *tables, const uint8_t *p, uint64_t *fp) {
  const uint8_t *p0 = p, *p1 = p + LANE_BLOCK, *p2 = p + 2 * LANE_BLOCK, *p3 = p + 3 * LANE_BLOCK;
  /* Lane 0 continues from *fp; lanes 1–3 start from the fingerprint of the 64 bytes before their block. */
  uint64_t f0 = *fp, f1 = 0, f2 = 0, f3 = 0;
  for (ptrdiff_t k = -RABIN_WINDOW_SIZE; k < 0; k++) {
    f1 = slide(tables, f1, 0, p1[k]);
    f2 = slide(tables, f2, 0, p2[k]);
    f3 = slide(tables, f3, 0, p3[k]);
  }
  for (ptrdiff_t k = 0; k < LANE_BLOCK; k++) {
    f0 = slide(tables, f0, p0[k - RABIN_WINDOW_SIZE], p0[k]);
    f1 = slide(tables, f1, p1[k - RABIN_WINDOW_SIZE], p1[k]);
    f2 = slide(tables, f2, p2[k - RABIN_WINDOW_SIZE], p2[k]);
    f3 = slide(tables, f3, p3[k - RABIN_WINDOW_SIZE], p3[k]);
    /* Non-short-circuit | so this is one well-predicted branch per byte position. */
    if (((f0 & SPLIT_MASK) == 0) | ((f1 & SPLIT_MASK) == 0) | ((f2 & SPLIT_MASK) == 0) |
        ((f3 & SPLIT_MASK) == 0))
      return true;
  }
  *fp = f3;
  return false;
}

/*
 * Slides data[start, end) through the fingerprint. Returns the index of the first byte at or after
 * `first_cut_index` after which the fingerprint matches the split mask, or −1 (then the fingerprint is saved).
 * The first 64 bytes push out the bytes of the saved window, later ones push out bytes of this buffer.
 */
static int64_t hash_until_match(rabin_state *state, const rabin_tables *tables, const uint8_t *data, size_t start,
                                size_t end, size_t first_cut_index) {
  uint64_t fp = state->fingerprint;
  const size_t head_end = end - start < RABIN_WINDOW_SIZE ? end : start + RABIN_WINDOW_SIZE;
  size_t j = start;
  for (; j < head_end; j++) {
    fp = slide(tables, fp, state->window[j - start], data[j]);
    if ((fp & SPLIT_MASK) == 0 && j >= first_cut_index) return (int64_t)j;
  }
  for (; end - j >= ROUND_SIZE; j += ROUND_SIZE) {
    if (!round_has_match(tables, data + j, &fp)) continue;
    /* fp is still the round's starting fingerprint: find the first match in the round byte by byte (this also
     * applies first_cut_index; were a lane's match before it — it cannot be, the head covers the first 64
     * positions — the scan would just finish the round and the loop go on). */
    const int64_t hit = scan_bytes(tables, data, j, j + ROUND_SIZE, first_cut_index, &fp);
    if (hit >= 0) return hit;
  }
  const int64_t hit = scan_bytes(tables, data, j, end, first_cut_index, &fp);
  if (hit >= 0) return hit;
  state->fingerprint = fp;
  return -1;
}

/* After hashing data[start, end) without a cut, the window becomes the last 64 bytes of history. */
static void remember_window(rabin_state *state, const uint8_t *data, size_t start, size_t end) {
  const size_t hashed = end - start;
  if (hashed >= RABIN_WINDOW_SIZE) {
    memcpy(state->window, data + end - RABIN_WINDOW_SIZE, RABIN_WINDOW_SIZE);
  } else {
    memmove(state->window, state->window + hashed, RABIN_WINDOW_SIZE - hashed);
    memcpy(state->window + RABIN_WINDOW_SIZE - hashed, data + start, hashed);
  }
}

int64_t rabin_next_cut(rabin_state *state, const rabin_tables *tables, const uint8_t *data, size_t start,
                       size_t length) {
  size_t i = start;
  while (i < length) {
    if (state->count < SKIP_SIZE) {
      const size_t wanted = SKIP_SIZE - state->count;
      const size_t step = wanted < length - i ? wanted : length - i;
      state->count += (uint32_t)step;
      i += step;
      continue;
    }
    const size_t until_max = RABIN_MAX_CHUNK_SIZE - state->count;
    const size_t end = until_max < length - i ? i + until_max : length;
    /* The byte after which the chunk has MinSize bytes; no cut before it (it may lie before i: no limit). */
    const size_t min_missing = state->count < RABIN_MIN_CHUNK_SIZE ? RABIN_MIN_CHUNK_SIZE - state->count : 1;
    const size_t first_cut_index = i + min_missing - 1;
    const int64_t hit = hash_until_match(state, tables, data, i, end, first_cut_index);
    if (hit >= 0 || end - i == until_max) {
      const int64_t cut = hit >= 0 ? hit + 1 : (int64_t)end;
      rabin_start_chunk(state);
      return cut;
    }
    remember_window(state, data, i, end);
    state->count += (uint32_t)(end - i);
    i = end;
  }
  return -1;
}
