/*
 * The POSIX filesystem calls the engine needs and Node.js does not offer, as one Node-API addon:
 * - extended attributes: llistxattr, lgetxattr, lsetxattr, lremovexattr (backup reads them, restore writes them);
 * - mknod: fifos and block/character devices for restore (Node has no mknod);
 * - scanDirectory: a directory's entries with their lstat, link target and xattrs in one call (directory-scan.c),
 *   so a backup's walk does not pay one JavaScript round trip per syscall;
 * - memory: malloc_trim, glibc's allocation thresholds and releasing a dead buffer's pages (memory.c);
 * - lutimes: utimensat(AT_SYMLINK_NOFOLLOW) with whole nanoseconds (Node's utimes/lutimes take doubles, which
 *   cannot carry the nanoseconds of a 2020s timestamp, and restic restores times exactly).
 * Every call works on the path itself and never follows a final symlink (l* variants, AT_SYMLINK_NOFOLLOW; mknod
 * creates and never follows), so a link can never redirect the engine to another file. Paths, names and values
 * are raw bytes (Buffers), as on Linux none of them has to be UTF-8.
 *
 * Errors are thrown as Error objects shaped like Node's fs errors: `code` ("ENOTSUP", "ENODATA", "EACCES", …),
 * `errno` (negative, as in libuv), `syscall`. Deciding which codes matter (restic ignores ENOTSUP and ENODATA)
 * is left to the TypeScript side.
 *
 * Calls are synchronous: each is a single syscall on a path the caller has just created or lstat-ed.
 * On platforms other than Linux every function throws ENOTSUP, so `npm ci` still builds on Windows and macOS.
 */
#include "directory-scan.h"
#include "memory.h"
#include "posix-fs-common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#endif

#define MAX_ATTEMPTS 8

/* Errno names for the codes these syscalls can return; others are reported as "E<number>". */
static const char *errno_name(int err, char *fallback, size_t fallback_size) {
  switch (err) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    case ENOTSUP: return "ENOTSUP"; /* == EOPNOTSUPP on Linux */
#ifdef ENODATA
    case ENODATA: return "ENODATA"; /* == ENOATTR */
#endif
    case ERANGE: return "ERANGE";
    case E2BIG: return "E2BIG";
    case EEXIST: return "EEXIST";
    case ENOSPC: return "ENOSPC";
#ifdef EDQUOT
    case EDQUOT: return "EDQUOT";
#endif
    case EROFS: return "EROFS";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EBADF: return "EBADF";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EISDIR: return "EISDIR";
    default:
      snprintf(fallback, fallback_size, "E%d", err);
      return fallback;
  }
}

/* Throws an fs-style error for `err`; returns NULL so callers can `return throw_errno(...)`. */
napi_value throw_errno(napi_env env, int err, const char *syscall) {
  char fallback[16];
  const char *code = errno_name(err, fallback, sizeof fallback);
  char message[256];
  snprintf(message, sizeof message, "%s: %s, %s", code, strerror(err), syscall);
  napi_value code_value, message_value, error, errno_value, syscall_value;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value);
  napi_create_error(env, code_value, message_value, &error);
  napi_create_int32(env, -err, &errno_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value);
  napi_set_named_property(env, error, "syscall", syscall_value);
  napi_throw(env, error);
  return NULL;
}

/* A NUL-terminated copy of a Buffer/Uint8Array argument (path or name). Throws and returns NULL on misuse. */
char *c_string_arg(napi_env env, napi_value value, const char *what) {
  bool is_buffer = false;
  napi_is_buffer(env, value, &is_buffer);
  if (!is_buffer) {
    char message[96];
    snprintf(message, sizeof message, "%s must be a Buffer", what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
    return NULL;
  }
  void *data = NULL;
  size_t length = 0;
  napi_get_buffer_info(env, value, &data, &length);
  if (length == 0 || memchr(data, 0, length) != NULL) {
    char message[96];
    snprintf(message, sizeof message, "%s must be non-empty and contain no NUL byte", what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", message);
    return NULL;
  }
  char *copy = malloc(length + 1);
  if (copy == NULL) {
    throw_errno(env, ENOMEM, "malloc");
    return NULL;
  }
  memcpy(copy, data, length);
  copy[length] = '\0';
  return copy;
}

static bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < expected) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "missing arguments");
    return false;
  }
  return true;
}

#ifdef __linux__

/* An integer argument given as a Number or a BigInt (uint64 fields such as st_rdev arrive as BigInt). */
static bool int64_arg(napi_env env, napi_value value, const char *what, int64_t *out) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type == napi_bigint) {
    bool lossless = false;
    napi_get_value_bigint_int64(env, value, out, &lossless);
    if (lossless) return true;
    /* Values above INT64_MAX (a uint64 device number) keep their bits. */
    uint64_t unsigned_value = 0;
    napi_get_value_bigint_uint64(env, value, &unsigned_value, &lossless);
    if (lossless) {
      *out = (int64_t)unsigned_value;
      return true;
    }
  } else if (type == napi_number) {
    double number = 0;
    napi_get_value_double(env, value, &number);
    /* The range check comes first: converting NaN or an out-of-range double to int64_t is undefined. */
    if (number >= -9223372036854775808.0 && number < 9223372036854775808.0 &&
        number == (double)(int64_t)number) {
      *out = (int64_t)number;
      return true;
    }
  }
  char message[96];
  snprintf(message, sizeof message, "%s must be an integer (Number or BigInt) that fits 64 bits", what);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return false;
}


/* llistxattr(path: Buffer): Buffer[] — the attribute names in the order the kernel lists them. */
static napi_value list(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  char *path = c_string_arg(env, argv[0], "path");
  if (path == NULL) return NULL;
  /* The list can grow between the size query and the read (ERANGE): retry a few times. */
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    ssize_t size = llistxattr(path, NULL, 0);
    if (size < 0) {
      int err = errno;
      free(path);
      return throw_errno(env, err, "llistxattr");
    }
    char *names = malloc(size > 0 ? (size_t)size : 1);
    if (names == NULL) {
      free(path);
      return throw_errno(env, ENOMEM, "llistxattr");
    }
    ssize_t got = size > 0 ? llistxattr(path, names, (size_t)size) : 0;
    if (got < 0) {
      int err = errno;
      free(names);
      if (err == ERANGE) continue;
      free(path);
      return throw_errno(env, err, "llistxattr");
    }
    napi_value result;
    napi_create_array(env, &result);
    uint32_t index = 0;
    for (ssize_t start = 0; start < got;) {
      size_t length = strnlen(names + start, (size_t)(got - start));
      if (length > 0) {
        napi_value name;
        napi_create_buffer_copy(env, length, names + start, NULL, &name);
        napi_set_element(env, result, index++, name);
      }
      start += (ssize_t)length + 1;
    }
    free(names);
    free(path);
    return result;
  }
  free(path);
  return throw_errno(env, ERANGE, "llistxattr");
}

/* lgetxattr(path: Buffer, name: Buffer): Buffer — the value's raw bytes. */
static napi_value get(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  char *path = c_string_arg(env, argv[0], "path");
  if (path == NULL) return NULL;
  char *name = c_string_arg(env, argv[1], "name");
  if (name == NULL) {
    free(path);
    return NULL;
  }
  char *value = NULL;
  size_t length = 0;
  int err = read_xattr_value(path, name, &value, &length);
  free(name);
  free(path);
  if (err != 0) return throw_errno(env, err, "lgetxattr");
  napi_value result;
  napi_create_buffer_copy(env, length, length > 0 ? value : "", NULL, &result);
  free(value);
  return result;
}

/* lsetxattr(path: Buffer, name: Buffer, value: Buffer, flags?: number): undefined. */
static napi_value set(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "lsetxattr needs path, name and value");
    return NULL;
  }
  int32_t flags = 0;
  if (argc >= 4) {
    napi_valuetype type;
    napi_typeof(env, argv[3], &type);
    if (type != napi_undefined && napi_get_value_int32(env, argv[3], &flags) != napi_ok) {
      napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "flags must be a number");
      return NULL;
    }
  }
  bool is_buffer = false;
  napi_is_buffer(env, argv[2], &is_buffer);
  if (!is_buffer) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "value must be a Buffer");
    return NULL;
  }
  void *value = NULL;
  size_t length = 0;
  napi_get_buffer_info(env, argv[2], &value, &length);
  char *path = c_string_arg(env, argv[0], "path");
  if (path == NULL) return NULL;
  char *name = c_string_arg(env, argv[1], "name");
  if (name == NULL) {
    free(path);
    return NULL;
  }
  int rc = lsetxattr(path, name, length > 0 ? value : "", length, flags);
  int err = errno;
  free(name);
  free(path);
  if (rc != 0) return throw_errno(env, err, "lsetxattr");
  return NULL;
}

/* lremovexattr(path: Buffer, name: Buffer): undefined. */
static napi_value remove_attribute(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  char *path = c_string_arg(env, argv[0], "path");
  if (path == NULL) return NULL;
  char *name = c_string_arg(env, argv[1], "name");
  if (name == NULL) {
    free(path);
    return NULL;
  }
  int rc = lremovexattr(path, name);
  int err = errno;
  free(name);
  free(path);
  if (rc != 0) return throw_errno(env, err, "lremovexattr");
  return NULL;
}

/*
 * mknod(path: Buffer, mode: number, device: number | bigint): undefined — `mode` holds the type (S_IFIFO,
 * S_IFCHR, S_IFBLK) and the permission bits (the umask applies, as for mknod(2)); `device` is the raw st_rdev.
 */
static napi_value make_node(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  int64_t mode = 0, device = 0;
  if (!int64_arg(env, argv[1], "mode", &mode) || !int64_arg(env, argv[2], "device", &device)) return NULL;
  char *path = c_string_arg(env, argv[0], "path");
  if (path == NULL) return NULL;
  int rc = mknod(path, (mode_t)mode, (dev_t)(uint64_t)device);
  int err = errno;
  free(path);
  if (rc != 0) return throw_errno(env, err, "mknod");
  return NULL;
}

/*
 * lutimes(path: Buffer, atimeSec, atimeNsec, mtimeSec, mtimeNsec): undefined — utimensat(2) on the path itself
 * (AT_SYMLINK_NOFOLLOW), seconds as Number or BigInt (may be negative), nanoseconds 0..999999999.
 */
static napi_value set_times(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) return NULL;
  int64_t values[4];
  const char *names[4] = {"atimeSec", "atimeNsec", "mtimeSec", "mtimeNsec"};
  for (int i = 0; i < 4; i++) {
    if (!int64_arg(env, argv[i + 1], names[i], &values[i])) return NULL;
  }
  if (values[1] < 0 || values[1] > 999999999 || values[3] < 0 || values[3] > 999999999) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "nanoseconds must be within 0..999999999");
    return NULL;
  }
  char *path = c_string_arg(env, argv[0], "path");
  if (path == NULL) return NULL;
  struct timespec times[2];
  times[0].tv_sec = (time_t)values[0];
  times[0].tv_nsec = (long)values[1];
  times[1].tv_sec = (time_t)values[2];
  times[1].tv_nsec = (long)values[3];
  int rc = utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW);
  int err = errno;
  free(path);
  if (rc != 0) return throw_errno(env, err, "utimensat");
  return NULL;
}

#else /* not Linux */

static napi_value unsupported(napi_env env, napi_callback_info info) {
  (void)info;
  return throw_errno(env, ENOTSUP, "posix-fs");
}
#define list unsupported
#define get unsupported
#define set unsupported
#define remove_attribute unsupported
#define make_node unsupported
#define set_times unsupported

#endif

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
    {"llistxattr", NULL, list, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lgetxattr", NULL, get, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lsetxattr", NULL, set, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lremovexattr", NULL, remove_attribute, NULL, NULL, NULL, napi_enumerable, NULL},
    {"mknod", NULL, make_node, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lutimes", NULL, set_times, NULL, NULL, NULL, napi_enumerable, NULL},
    {"releaseFreeMemory", NULL, release_free_memory, NULL, NULL, NULL, napi_enumerable, NULL},
    {"configureAllocator", NULL, configure_allocator, NULL, NULL, NULL, napi_enumerable, NULL},
    {"discardPages", NULL, discard_pages, NULL, NULL, NULL, napi_enumerable, NULL},
    {"scanDirectory", NULL, scan_directory, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
