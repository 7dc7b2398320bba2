/*
 * The backup's two CPU-bound primitives that Node.js has no fast form of, as one Node-API addon:
 * - poly1305(key, message): the MAC of restic's encryption container (Node only has Poly1305 inside
 *   chacha20-poly1305; the pure-JS one was the slowest step of a backup);
 * - chunkerStart / chunkerPush: the byte loop of restic's content-defined chunker;
 * - aes256CtrInPlace(key, iv, data): decryption where the data lies, through the process's OpenSSL (aes-ctr.c), so a
 *   check or a restore does not allocate a buffer per blob it decrypts.
 * The TypeScript side (src-main/engine/native/hotpath-addon.ts) loads it; see there for how it is found.
 *
 * Inputs are read in place through the typed arrays' data pointers (no copies). The addon keeps no global mutable
 * state — the chunker's state lives in a byte array owned by the caller — and registers with NAPI_MODULE_INIT,
 * so it is context-aware: every worker thread loads its own instance.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdio.h>
#include <string.h>

#include "aes-ctr.h"
#include "poly1305.h"
#include "rabin-chunker.h"

/* Bumped whenever the JavaScript-visible interface changes, so that a stale build is refused when loaded. */
#define HOTPATH_ABI_VERSION 2

#define NAPI_CALL(env, call)                                                                              \
  do {                                                                                                    \
    if ((call) != napi_ok) {                                                                              \
      throw_last_error(env, #call);                                                                       \
      return NULL;                                                                                        \
    }                                                                                                     \
  } while (0)

/* Turns a failed napi_* call into a JS exception (unless one is pending already, e.g. from a getter). */
static void throw_last_error(napi_env env, const char *call) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  char message[256];
  snprintf(message, sizeof message, "hotpath addon: %s failed: %s", call,
           info != NULL && info->error_message != NULL ? info->error_message : "unknown error");
  napi_throw_error(env, NULL, message);
}

/* The bytes of a typed array of the wanted type, in place. Throws a TypeError naming `what` otherwise. */
static bool typed_array_bytes(napi_env env, napi_value value, napi_typedarray_type wanted, const char *what,
                              void **data, size_t *byte_length) {
  bool is_typed_array = false;
  napi_typedarray_type type;
  size_t element_count = 0;
  if (napi_is_typedarray(env, value, &is_typed_array) == napi_ok && is_typed_array &&
      napi_get_typedarray_info(env, value, &type, &element_count, data, NULL, NULL) == napi_ok &&
      type == wanted) {
    *byte_length = wanted == napi_biguint64_array ? element_count * 8 : element_count;
    return true;
  }
  char message[160];
  snprintf(message, sizeof message, "hotpath addon: %s must be a %s", what,
           wanted == napi_biguint64_array ? "BigUint64Array" : "Uint8Array or Buffer");
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return false;
}

static bool byte_array(napi_env env, napi_value value, const char *what, const uint8_t **data, size_t *length) {
  void *raw = NULL;
  if (!typed_array_bytes(env, value, napi_uint8_array, what, &raw, length)) return false;
  *data = raw;
  return true;
}

static bool fixed_byte_array(napi_env env, napi_value value, const char *what, size_t wanted, uint8_t **data) {
  size_t length = 0;
  void *raw = NULL;
  if (!typed_array_bytes(env, value, napi_uint8_array, what, &raw, &length)) return false;
  if (length != wanted) {
    char message[160];
    snprintf(message, sizeof message, "hotpath addon: %s must be %zu bytes long, got %zu", what, wanted, length);
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", message);
    return false;
  }
  *data = raw;
  return true;
}

static bool get_args(napi_env env, napi_callback_info info, size_t wanted, napi_value *args) {
  size_t count = wanted;
  if (napi_get_cb_info(env, info, &count, args, NULL, NULL) != napi_ok) {
    throw_last_error(env, "napi_get_cb_info");
    return false;
  }
  if (count < wanted) {
    char message[96];
    snprintf(message, sizeof message, "hotpath addon: expected %zu arguments, got %zu", wanted, count);
    napi_throw_type_error(env, "ERR_MISSING_ARGS", message);
    return false;
  }
  return true;
}

typedef void (*poly1305_function)(uint8_t *, const uint8_t *, const uint8_t *, size_t);

static napi_value poly1305_with(napi_env env, napi_callback_info info, poly1305_function compute) {
  napi_value args[2];
  uint8_t *key = NULL;
  const uint8_t *message = NULL;
  size_t length = 0;
  if (!get_args(env, info, 2, args) || !fixed_byte_array(env, args[0], "key", POLY1305_KEY_SIZE, &key) ||
      !byte_array(env, args[1], "message", &message, &length))
    return NULL;
  uint8_t tag[POLY1305_TAG_SIZE];
  compute(tag, key, message, length);
  napi_value result;
  NAPI_CALL(env, napi_create_buffer_copy(env, sizeof tag, tag, NULL, &result));
  return result;
}

/* poly1305(key: 32 bytes, message) → 16-byte tag (Buffer). */
static napi_value js_poly1305(napi_env env, napi_callback_info info) {
  return poly1305_with(env, info, poly1305_tag);
}

/* poly1305Portable(key, message): the same through the plain C99 code path (for tests). */
static napi_value js_poly1305_portable(napi_env env, napi_callback_info info) {
  return poly1305_with(env, info, poly1305_tag_portable);
}

/* chunkerStart(state): resets the state for the first chunk of a new input. */
static napi_value js_chunker_start(napi_env env, napi_callback_info info) {
  napi_value args[1];
  uint8_t *state_bytes = NULL;
  if (!get_args(env, info, 1, args) ||
      !fixed_byte_array(env, args[0], "chunker state", sizeof(rabin_state), &state_bytes))
    return NULL;
  rabin_state state;
  rabin_start_chunk(&state);
  state.reserved = 0;
  memcpy(state_bytes, &state, sizeof state);
  return NULL;
}

/*
 * chunkerPush(state, tables, data) → the cuts in data (offsets just after each chunk's last byte), ascending.
 * `tables` is a BigUint64Array of 512 entries: out[0..255], then mod[0..255].
 */
static napi_value js_chunker_push(napi_env env, napi_callback_info info) {
  napi_value args[3];
  uint8_t *state_bytes = NULL;
  void *table_data = NULL;
  size_t table_bytes = 0;
  const uint8_t *data = NULL;
  size_t length = 0;
  if (!get_args(env, info, 3, args) ||
      !fixed_byte_array(env, args[0], "chunker state", sizeof(rabin_state), &state_bytes) ||
      !typed_array_bytes(env, args[1], napi_biguint64_array, "chunker tables", &table_data, &table_bytes) ||
      !byte_array(env, args[2], "data", &data, &length))
    return NULL;
  if (table_bytes != 2 * RABIN_TABLE_ENTRIES * sizeof(uint64_t)) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", "hotpath addon: chunker tables must have 512 entries");
    return NULL;
  }
  const uint64_t *tables_array = table_data;
  const rabin_tables tables = {tables_array, tables_array + RABIN_TABLE_ENTRIES};
  /* A local copy: the caller's byte array need not be aligned for the struct, and locals optimize better. */
  rabin_state state;
  memcpy(&state, state_bytes, sizeof state);
  napi_value cuts;
  NAPI_CALL(env, napi_create_array(env, &cuts));
  uint32_t cut_count = 0;
  size_t position = 0;
  int64_t cut;
  while ((cut = rabin_next_cut(&state, &tables, data, position, length)) >= 0) {
    napi_value offset;
    NAPI_CALL(env, napi_create_int64(env, cut, &offset));
    NAPI_CALL(env, napi_set_element(env, cuts, cut_count++, offset));
    position = (size_t)cut;
  }
  memcpy(state_bytes, &state, sizeof state);
  return cuts;
}

/*
 * aes256CtrInPlace(key: 32 bytes, iv: 16 bytes, data) → true once `data` is XORed with the key stream in place;
 * false, with `data` untouched, when this process has no OpenSSL to use (see aesCtrInPlaceAvailable).
 */
static napi_value js_aes256_ctr_in_place(napi_env env, napi_callback_info info) {
  napi_value args[3];
  uint8_t *key = NULL;
  uint8_t *iv = NULL;
  void *data = NULL;
  size_t length = 0;
  if (!get_args(env, info, 3, args) || !fixed_byte_array(env, args[0], "key", AES_CTR_KEY_SIZE, &key) ||
      !fixed_byte_array(env, args[1], "iv", AES_CTR_IV_SIZE, &iv) ||
      !typed_array_bytes(env, args[2], napi_uint8_array, "data", &data, &length))
    return NULL;
  bool done = false;
  if (aes_ctr_available()) {
    /* The key and IV are copied first: they may be views into the very buffer being transformed. */
    uint8_t key_copy[AES_CTR_KEY_SIZE];
    uint8_t iv_copy[AES_CTR_IV_SIZE];
    memcpy(key_copy, key, sizeof key_copy);
    memcpy(iv_copy, iv, sizeof iv_copy);
    done = aes256_ctr_in_place(key_copy, iv_copy, data, length);
    memset(key_copy, 0, sizeof key_copy);
    if (!done) {
      napi_throw_error(env, "EIO", "hotpath addon: OpenSSL's AES-256-CTR failed");
      return NULL;
    }
  }
  napi_value result;
  NAPI_CALL(env, napi_get_boolean(env, done, &result));
  return result;
}

static bool set_number(napi_env env, napi_value exports, const char *name, double value) {
  napi_value number;
  return napi_create_double(env, value, &number) == napi_ok &&
         napi_set_named_property(env, exports, name, number) == napi_ok;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"poly1305", NULL, js_poly1305, NULL, NULL, NULL, napi_enumerable, NULL},
      {"poly1305Portable", NULL, js_poly1305_portable, NULL, NULL, NULL, napi_enumerable, NULL},
      {"chunkerStart", NULL, js_chunker_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"chunkerPush", NULL, js_chunker_push, NULL, NULL, NULL, napi_enumerable, NULL},
      {"aes256CtrInPlace", NULL, js_aes256_ctr_in_place, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
  napi_value available;
  if (!set_number(env, exports, "abiVersion", HOTPATH_ABI_VERSION) ||
      !set_number(env, exports, "chunkerStateSize", (double)sizeof(rabin_state)) ||
      !set_number(env, exports, "chunkerMinSize", RABIN_MIN_CHUNK_SIZE) ||
      !set_number(env, exports, "chunkerMaxSize", RABIN_MAX_CHUNK_SIZE) ||
      napi_get_boolean(env, aes_ctr_available(), &available) != napi_ok ||
      napi_set_named_property(env, exports, "aesCtrInPlaceAvailable", available) != napi_ok) {
    throw_last_error(env, "exporting constants");
    return NULL;
  }
  return exports;
}
