/*
 * Poly1305 (RFC 8439 §2.5), written from the RFC's definition:
 *   r = clamp(key[0..15]), s = key[16..31], both little-endian;
 *   for every 16-byte block (the last one may be shorter) n = block + 2^(8·blocklength), acc = (acc + n)·r mod p,
 *   where p = 2^130 − 5;  tag = (acc + s) mod 2^128, little-endian.
 *
 * The accumulator and r are split into limbs so that every partial product fits a machine integer, and since
 * 2^130 ≡ 5 (mod p) a product term that lands at 2^130 or above is folded back multiplied by 5 (or by 5·4 = 20
 * where the limb layout puts it at 2^132). Between blocks the accumulator is only partially reduced (limbs may
 * exceed their nominal width by a few bits); it is made canonical and fully reduced once, at the end.
 *
 * Two limb layouts:
 * - 44/44/42 bits with 64×64→128-bit products, where the compiler has unsigned __int128 (GCC, Clang on 64-bit);
 * - 5 × 26 bits with 32×32→64-bit products, in plain C99, for every other compiler (e.g. MSVC).
 */
#include "poly1305.h"

#include <string.h>

static uint64_t load_le64(const uint8_t *p) {
  /* Byte by byte so it is right on any endianness; GCC and Clang turn it into one load on little-endian. */
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
         (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static void store_le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* r with the RFC's clamp (r &= 0x0ffffffc0ffffffc0ffffffc0fffffff): the top four bits of bytes 3, 7, 11, 15
 * and the bottom two bits of bytes 4, 8, 12 cleared. The clamp is what bounds the limbs of r below. */
static void load_clamped_r(const uint8_t key[16], uint64_t *lo, uint64_t *hi) {
  *lo = load_le64(key) & UINT64_C(0x0ffffffc0fffffff);
  *hi = load_le64(key + 8) & UINT64_C(0x0ffffffc0ffffffc);
}

/* tag = (h + s) mod 2^128, h given as its low 128 bits. */
static void store_tag(uint8_t tag[16], uint64_t h_lo, uint64_t h_hi, const uint8_t s[16]) {
  const uint64_t s_lo = load_le64(s);
  const uint64_t s_hi = load_le64(s + 8);
  const uint64_t lo = h_lo + s_lo;
  const uint64_t hi = h_hi + s_hi + (lo < s_lo);
  store_le64(tag, lo);
  store_le64(tag + 8, hi);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* 26-bit limbs: value = Σ v[i]·2^(26·i), i = 0…4.                                                             */

#define MASK26 UINT32_C(0x3ffffff)

typedef struct {
  uint32_t r[5];
  uint32_t h[5];
} poly1305_state26;

/* Processes `blocks` 16-byte blocks; `hibit` is the 2^128 term of n as seen from limb 4 (2^104): 1 << 24 for a
 * full block, 0 for the padded last block (whose 0x01 byte is already in the data). */
static void blocks26(poly1305_state26 *st, const uint8_t *m, size_t blocks, uint32_t hibit) {
  const uint32_t r0 = st->r[0], r1 = st->r[1], r2 = st->r[2], r3 = st->r[3], r4 = st->r[4];
  /* r_i·2^(26·i) times a limb at 2^(26·j) with i + j ≥ 5 lands at 2^(130 + 26·(i+j−5)),
   * which is ≡ 5·r_i at 2^(26·(i+j−5)). */
  const uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  uint32_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4];
  for (; blocks > 0; blocks--, m += 16) {
    const uint64_t t0 = load_le64(m);
    const uint64_t t1 = load_le64(m + 8);
    h0 += (uint32_t)(t0 & MASK26);
    h1 += (uint32_t)((t0 >> 26) & MASK26);
    h2 += (uint32_t)(((t0 >> 52) | (t1 << 12)) & MASK26);
    h3 += (uint32_t)((t1 >> 14) & MASK26);
    h4 += (uint32_t)(t1 >> 40) | hibit;
    /* Limbs of h are < 2^27 and s_i < 2^29 (clamped r_i < 2^26), so each of the five products is < 2^56 and
     * their sum < 2^59: no overflow of 64 bits. */
    const uint64_t d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 + (uint64_t)h2 * s3 + (uint64_t)h3 * s2 +
                        (uint64_t)h4 * s1;
    uint64_t d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 + (uint64_t)h2 * s4 + (uint64_t)h3 * s3 +
                  (uint64_t)h4 * s2;
    uint64_t d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 + (uint64_t)h2 * r0 + (uint64_t)h3 * s4 +
                  (uint64_t)h4 * s3;
    uint64_t d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 + (uint64_t)h2 * r1 + (uint64_t)h3 * r0 +
                  (uint64_t)h4 * s4;
    uint64_t d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 + (uint64_t)h2 * r2 + (uint64_t)h3 * r1 +
                  (uint64_t)h4 * r0;
    h0 = (uint32_t)d0 & MASK26;
    d1 += d0 >> 26;
    h1 = (uint32_t)d1 & MASK26;
    d2 += d1 >> 26;
    h2 = (uint32_t)d2 & MASK26;
    d3 += d2 >> 26;
    h3 = (uint32_t)d3 & MASK26;
    d4 += d3 >> 26;
    h4 = (uint32_t)d4 & MASK26;
    /* The carry out of limb 4 is at 2^130 ≡ 5. */
    const uint64_t folded = (uint64_t)h0 + (d4 >> 26) * 5;
    h0 = (uint32_t)folded & MASK26;
    h1 += (uint32_t)(folded >> 26);
  }
  st->h[0] = h0;
  st->h[1] = h1;
  st->h[2] = h2;
  st->h[3] = h3;
  st->h[4] = h4;
}

static void finish26(uint8_t tag[16], const poly1305_state26 *st, const uint8_t s[16]) {
  uint32_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4];
  uint32_t c;
  /* Two full carry passes make every limb canonical (< 2^26), i.e. h < 2^130: after the first pass only limb 0
   * can exceed 2^26, by at most a few units; the second pass can carry out of limb 4 only if all limbs wrapped,
   * and then limb 0 is tiny, so adding 5 to it cannot overflow it. */
  for (int pass = 0; pass < 2; pass++) {
    c = h0 >> 26; h0 &= MASK26; h1 += c;
    c = h1 >> 26; h1 &= MASK26; h2 += c;
    c = h2 >> 26; h2 &= MASK26; h3 += c;
    c = h3 >> 26; h3 &= MASK26; h4 += c;
    c = h4 >> 26; h4 &= MASK26; h0 += c * 5;
  }
  /* h mod p: g = h + 5 − 2^130 = h − p; if that is not negative, h ≥ p and g is the result (h < 2^130 < 2p). */
  uint32_t g0 = h0 + 5;
  c = g0 >> 26; g0 &= MASK26;
  uint32_t g1 = h1 + c;
  c = g1 >> 26; g1 &= MASK26;
  uint32_t g2 = h2 + c;
  c = g2 >> 26; g2 &= MASK26;
  uint32_t g3 = h3 + c;
  c = g3 >> 26; g3 &= MASK26;
  const uint32_t g4 = h4 + c - (UINT32_C(1) << 26);
  /* Branch-free select (the tag must not leak through timing): all ones when g4 did not wrap below zero. */
  const uint32_t use_g = (g4 >> 31) - 1;
  h0 = (h0 & ~use_g) | (g0 & use_g);
  h1 = (h1 & ~use_g) | (g1 & use_g);
  h2 = (h2 & ~use_g) | (g2 & use_g);
  h3 = (h3 & ~use_g) | (g3 & use_g);
  h4 = (h4 & ~use_g) | (g4 & use_g);
  const uint64_t lo = (uint64_t)h0 | (uint64_t)h1 << 26 | (uint64_t)h2 << 52;
  const uint64_t hi = (uint64_t)h2 >> 12 | (uint64_t)h3 << 14 | (uint64_t)h4 << 40;
  store_tag(tag, lo, hi, s);
}

void poly1305_tag_portable(uint8_t tag[POLY1305_TAG_SIZE], const uint8_t key[POLY1305_KEY_SIZE],
                           const uint8_t *message, size_t length) {
  uint64_t r_lo, r_hi;
  load_clamped_r(key, &r_lo, &r_hi);
  poly1305_state26 st = {
      .r = {(uint32_t)(r_lo & MASK26), (uint32_t)((r_lo >> 26) & MASK26),
            (uint32_t)(((r_lo >> 52) | (r_hi << 12)) & MASK26), (uint32_t)((r_hi >> 14) & MASK26),
            (uint32_t)(r_hi >> 40)},
      .h = {0, 0, 0, 0, 0},
  };
  const size_t full_blocks = length / 16;
  const size_t rest = length % 16;
  blocks26(&st, message, full_blocks, UINT32_C(1) << 24);
  if (rest > 0) {
    uint8_t last[16] = {0};
    memcpy(last, message + full_blocks * 16, rest);
    last[rest] = 1;
    blocks26(&st, last, 1, 0);
  }
  finish26(tag, &st, key + 16);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* 44/44/42-bit limbs: value = v[0] + v[1]·2^44 + v[2]·2^88.                                                    */

#if defined(__SIZEOF_INT128__)

__extension__ typedef unsigned __int128 u128; /* __extension__: no -Wpedantic warning */

#define MASK44 ((UINT64_C(1) << 44) - 1)
#define MASK42 ((UINT64_C(1) << 42) - 1)

typedef struct {
  uint64_t r[3];
  uint64_t h[3];
} poly1305_state44;

/* As blocks26; `hibit` is the 2^128 term seen from limb 2 (2^88): 1 << 40 for a full block. */
static void blocks44(poly1305_state44 *st, const uint8_t *m, size_t blocks, uint64_t hibit) {
  const uint64_t r0 = st->r[0], r1 = st->r[1], r2 = st->r[2];
  /* Limb products at 2^132 (h1·r2, h2·r1 into limb 0; h2·r2 into limb 1) are ≡ 5·4 = 20 times lower. */
  const uint64_t s1 = r1 * 20, s2 = r2 * 20;
  uint64_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2];
  for (; blocks > 0; blocks--, m += 16) {
    const uint64_t t0 = load_le64(m);
    const uint64_t t1 = load_le64(m + 8);
    h0 += t0 & MASK44;
    h1 += ((t0 >> 44) | (t1 << 20)) & MASK44;
    h2 += (t1 >> 24) | hibit;
    /* h0, h1 < 2^45, h2 < 2^43; clamped r0, r1 < 2^44, r2 < 2^36, so s1 < 2^49, s2 < 2^41: every sum < 2^94. */
    const u128 d0 = (u128)h0 * r0 + (u128)h1 * s2 + (u128)h2 * s1;
    u128 d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)h2 * s2;
    u128 d2 = (u128)h0 * r2 + (u128)h1 * r1 + (u128)h2 * r0;
    h0 = (uint64_t)d0 & MASK44;
    d1 += (uint64_t)(d0 >> 44);
    h1 = (uint64_t)d1 & MASK44;
    d2 += (uint64_t)(d1 >> 44);
    h2 = (uint64_t)d2 & MASK42;
    /* The carry out of limb 2 is at 2^130 ≡ 5 (it is < 2^52, so ·5 fits easily). */
    h0 += (uint64_t)(d2 >> 42) * 5;
    h1 += h0 >> 44;
    h0 &= MASK44;
  }
  st->h[0] = h0;
  st->h[1] = h1;
  st->h[2] = h2;
}

static void finish44(uint8_t tag[16], const poly1305_state44 *st, const uint8_t s[16]) {
  uint64_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2];
  uint64_t c;
  /* Two carry passes make the limbs canonical (h < 2^130); see finish26 for why two suffice. */
  for (int pass = 0; pass < 2; pass++) {
    c = h0 >> 44; h0 &= MASK44; h1 += c;
    c = h1 >> 44; h1 &= MASK44; h2 += c;
    c = h2 >> 42; h2 &= MASK42; h0 += c * 5;
  }
  uint64_t g0 = h0 + 5;
  c = g0 >> 44; g0 &= MASK44;
  uint64_t g1 = h1 + c;
  c = g1 >> 44; g1 &= MASK44;
  const uint64_t g2 = h2 + c - (UINT64_C(1) << 42);
  const uint64_t use_g = (g2 >> 63) - 1;
  h0 = (h0 & ~use_g) | (g0 & use_g);
  h1 = (h1 & ~use_g) | (g1 & use_g);
  h2 = (h2 & ~use_g) | (g2 & use_g);
  store_tag(tag, h0 | h1 << 44, h1 >> 20 | h2 << 24, s);
}

static void poly1305_tag_wide(uint8_t tag[POLY1305_TAG_SIZE], const uint8_t key[POLY1305_KEY_SIZE],
                              const uint8_t *message, size_t length) {
  uint64_t r_lo, r_hi;
  load_clamped_r(key, &r_lo, &r_hi);
  poly1305_state44 st = {
      .r = {r_lo & MASK44, ((r_lo >> 44) | (r_hi << 20)) & MASK44, r_hi >> 24},
      .h = {0, 0, 0},
  };
  const size_t full_blocks = length / 16;
  const size_t rest = length % 16;
  blocks44(&st, message, full_blocks, UINT64_C(1) << 40);
  if (rest > 0) {
    uint8_t last[16] = {0};
    memcpy(last, message + full_blocks * 16, rest);
    last[rest] = 1;
    blocks44(&st, last, 1, 0);
  }
  finish44(tag, &st, key + 16);
}

#endif /* __SIZEOF_INT128__ */

void poly1305_tag(uint8_t tag[POLY1305_TAG_SIZE], const uint8_t key[POLY1305_KEY_SIZE], const uint8_t *message,
                  size_t length) {
#if defined(__SIZEOF_INT128__)
  poly1305_tag_wide(tag, key, message, length);
#else
  poly1305_tag_portable(tag, key, message, length);
#endif
}
