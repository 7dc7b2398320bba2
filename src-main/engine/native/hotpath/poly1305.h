/*
 * Poly1305 one-time authenticator (RFC 8439 §2.5), one-shot over a message in memory.
 * restic's container MACs the ciphertext with Poly1305-AES; the tag computation is exactly RFC 8439's Poly1305
 * with the 32-byte key r ‖ s (r is clamped here, as the RFC requires; restic stores r already clamped).
 */
#ifndef HOTPATH_POLY1305_H
#define HOTPATH_POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define POLY1305_KEY_SIZE 32
#define POLY1305_TAG_SIZE 16

/* The tag of `message` under `key` (r ‖ s, 16 bytes each). The fastest variant this compiler supports. */
void poly1305_tag(uint8_t tag[POLY1305_TAG_SIZE], const uint8_t key[POLY1305_KEY_SIZE], const uint8_t *message,
                  size_t length);

/* The same with 26-bit limbs and 64-bit products only (plain C99): what compilers without a 128-bit integer
 * type use. Exported so that tests check this path too on machines where poly1305_tag does not use it. */
void poly1305_tag_portable(uint8_t tag[POLY1305_TAG_SIZE], const uint8_t key[POLY1305_KEY_SIZE],
                           const uint8_t *message, size_t length);

#endif
