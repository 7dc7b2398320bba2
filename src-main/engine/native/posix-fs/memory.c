/*
 * Memory of the engine's process, which Node.js leaves to V8 and the C library: returning free heap memory
 * (malloc_trim), fixing glibc's thresholds, and releasing the pages of a buffer that is dead but not yet collected.
 */
#include "memory.h"

#include <stdint.h>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

/*
 * Gives free heap memory back to the system (glibc's malloc_trim). A backup or restore frees megabytes of buffers
 * per second across several threads; glibc keeps much of it in its arenas, so the process's resident size grows
 * far beyond what it uses. Trimming now and then keeps it near the live size. Elsewhere this does nothing.
 *
 * configureAllocator(mmapThreshold, trimThreshold) sets glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD. By default
 * glibc raises both as the program frees large blocks (up to 32 and 64 MiB), after which multi-megabyte buffers
 * come from the arenas, and a worker thread's arena keeps up to 64 MiB of freed memory resident: malloc_trim
 * returns free pages of the main arena only. Fixed thresholds stop that: blocks from `mmapThreshold` up are mapped
 * on their own and unmapped when freed, and an arena returns its free top beyond `trimThreshold` at once.
 * Returns whether both settings were taken (false elsewhere than glibc).
 */
#if defined(__GLIBC__)
#include <malloc.h>
napi_value release_free_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, malloc_trim(0) != 0, &result);
  return result;
}

napi_value configure_allocator(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int64_t mmap_threshold = 0;
  int64_t trim_threshold = 0;
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int64(env, argv[0], &mmap_threshold) != napi_ok ||
      napi_get_value_int64(env, argv[1], &trim_threshold) != napi_ok || mmap_threshold <= 0 ||
      trim_threshold <= 0 || mmap_threshold > (1 << 30) || trim_threshold > (1 << 30)) {
    napi_throw_type_error(env, "EINVAL", "configureAllocator(mmapThreshold, trimThreshold): two sizes in bytes");
    return NULL;
  }
  int ok = mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1;
  ok = (mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1) && ok;
  napi_get_boolean(env, ok, &result);
  return result;
}
#else
napi_value release_free_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, false, &result);
  return result;
}

napi_value configure_allocator(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, false, &result);
  return result;
}
#endif

/*
 * discardPages(view) tells the kernel the whole pages inside a buffer's memory are no longer needed
 * (madvise MADV_DONTNEED): they stop counting as resident at once and read back as zeros if touched again. For a
 * large buffer the engine is done with — a pack read that was verified, a blob written into a pack — whose memory
 * V8 would free only at its next collection, possibly tens of megabytes later. Only whole pages inside the view
 * are released, so memory shared with anything outside it is never touched. Returns the bytes released (0 where
 * madvise is not available).
 */
napi_value discard_pages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  size_t length = 0;
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_typedarray_info(env, argv[0], NULL, &length, &data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "discardPages(view): a Uint8Array");
    return NULL;
  }
  double released = 0;
#ifdef __linux__
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)data + page - 1) & ~(page - 1);
  uintptr_t end = ((uintptr_t)data + length) & ~(page - 1);
  if (data != NULL && end > start && madvise((void *)start, end - start, MADV_DONTNEED) == 0) {
    released = (double)(end - start);
  }
#else
  (void)data;
  (void)length;
#endif
  napi_create_double(env, released, &result);
  return result;
}
