/*
 * AES-256-CTR in place. Node's crypto.createDecipheriv always writes into a new buffer: decrypting a check's or a
 * restore's blobs that way allocated (and page-faulted) a gigabyte of short-lived buffers per gigabyte read. The
 * blobs are decrypted where they were read instead.
 *
 * No cipher code of our own: the OpenSSL functions are looked up in the running process (dlsym on the process's
 * global symbols). Node exports its statically linked OpenSSL for addons; Electron's BoringSSL may not be exported,
 * and a platform without dlsym has none of this. Then aes_ctr_available() is false and the TypeScript side
 * decrypts with node:crypto as before — nothing is lost but the allocation. Same AES, same counter semantics.
 */
#include "aes-ctr.h"

#include <limits.h>

#if defined(__unix__) || defined(__APPLE__)
#include <dlfcn.h>
#include <pthread.h>

/* The OpenSSL (or BoringSSL) EVP functions used, with their C signatures; opaque pointers stand for the types. */
typedef void *(*ctx_new_fn)(void);
typedef void (*ctx_free_fn)(void *);
typedef const void *(*cipher_fn)(void);
typedef int (*init_fn)(void *, const void *, void *, const unsigned char *, const unsigned char *);
typedef int (*update_fn)(void *, unsigned char *, int *, const unsigned char *, int);

static struct {
  ctx_new_fn ctx_new;
  ctx_free_fn ctx_free;
  cipher_fn aes_256_ctr;
  init_fn init;
  update_fn update;
  bool available;
} evp;

static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

static void resolve(void) {
  evp.ctx_new = (ctx_new_fn)dlsym(RTLD_DEFAULT, "EVP_CIPHER_CTX_new");
  evp.ctx_free = (ctx_free_fn)dlsym(RTLD_DEFAULT, "EVP_CIPHER_CTX_free");
  evp.aes_256_ctr = (cipher_fn)dlsym(RTLD_DEFAULT, "EVP_aes_256_ctr");
  evp.init = (init_fn)dlsym(RTLD_DEFAULT, "EVP_EncryptInit_ex");
  evp.update = (update_fn)dlsym(RTLD_DEFAULT, "EVP_EncryptUpdate");
  evp.available = evp.ctx_new != NULL && evp.ctx_free != NULL && evp.aes_256_ctr != NULL && evp.init != NULL &&
                  evp.update != NULL && evp.aes_256_ctr() != NULL;
}

bool aes_ctr_available(void) {
  pthread_once(&resolve_once, resolve);
  return evp.available;
}

bool aes256_ctr_in_place(const uint8_t key[AES_CTR_KEY_SIZE], const uint8_t iv[AES_CTR_IV_SIZE], uint8_t *data,
                         size_t length) {
  if (!aes_ctr_available()) return false;
  void *ctx = evp.ctx_new();
  if (ctx == NULL) return false;
  bool ok = evp.init(ctx, evp.aes_256_ctr(), NULL, key, iv) == 1;
  /* EVP_EncryptUpdate takes an int length: feed at most 1 GiB at a time (the counter carries on between calls,
   * and CTR has no partial block state to lose). In place is allowed for stream modes. */
  size_t done = 0;
  while (ok && done < length) {
    size_t left = length - done;
    int step = left > (1u << 30) ? (1 << 30) : (int)left;
    int written = 0;
    ok = evp.update(ctx, data + done, &written, data + done, step) == 1 && written == step;
    done += (size_t)step;
  }
  evp.ctx_free(ctx);
  return ok;
}

#else

bool aes_ctr_available(void) { return false; }

bool aes256_ctr_in_place(const uint8_t key[AES_CTR_KEY_SIZE], const uint8_t iv[AES_CTR_IV_SIZE], uint8_t *data,
                         size_t length) {
  (void)key;
  (void)iv;
  (void)data;
  (void)length;
  return false;
}

#endif
