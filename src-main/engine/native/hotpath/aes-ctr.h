/*
 * AES-256-CTR over a buffer in place, through the OpenSSL that the running process already has (see aes-ctr.c).
 */
#ifndef HOTPATH_AES_CTR_H
#define HOTPATH_AES_CTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AES_CTR_KEY_SIZE 32
#define AES_CTR_IV_SIZE 16

/* Whether the process exports the OpenSSL functions needed (resolved once, thread-safely). */
bool aes_ctr_available(void);

/*
 * XORs `data` with the AES-256-CTR key stream of `key` starting at counter block `iv` (the whole 16 bytes are the
 * big-endian counter, as in restic and Node's 'aes-256-ctr'): encrypts or decrypts in place. Returns false when
 * OpenSSL is not available or failed; `data` is then unchanged or partly transformed and must be discarded.
 */
bool aes256_ctr_in_place(const uint8_t key[AES_CTR_KEY_SIZE], const uint8_t iv[AES_CTR_IV_SIZE], uint8_t *data,
                         size_t length);

#endif
