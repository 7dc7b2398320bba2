/*
 * scanDirectory(dir: Buffer, withXattrs: boolean): Buffer — every entry of a directory (without "." and ".."),
 * sorted byte-wise by name (the order of a restic tree), each with what a backup records about it: lstat, the
 * link target of a symlink, and (withXattrs) the extended attributes of anything but a symlink, as restic 0.14.
 *
 * Why: a backup's walk over a large tree is dominated by per-entry overhead when each lstat, readlink and
 * llistxattr is its own JavaScript call (argument conversion, a result object, BigInts, garbage). One call per
 * directory returning one packed buffer costs the syscalls and little else. Nothing follows a symlink: entries
 * are examined relative to the opened directory (fstatat/readlinkat with no-follow) or by their own path (l*xattr).
 *
 * Failures of the directory itself (opendir, readdir) are thrown like the other calls (`code`, `errno`,
 * `syscall`). Failures of one entry are recorded in that entry as a positive errno, so an entry that vanished or
 * cannot be read is reported by the caller and the rest of the directory is still backed up.
 *
 * Record layout (host byte order, which is little-endian on every platform we ship; the reader checks):
 *   u16 nameLength, name
 *   i32 statErrno                                       -- 0: the fields below follow
 *   u32 st_mode, u32 st_uid, u32 st_gid
 *   u64 st_ino, u64 st_dev, u64 st_nlink, u64 st_size, u64 st_rdev
 *   i64 atime sec, u32 atime nsec, i64 mtime sec, u32 mtime nsec, i64 ctime sec, u32 ctime nsec
 *   symlink:           i32 readlinkErrno, u32 length, target
 *   other, withXattrs: i32 listErrno, u32 count, count × (u16 nameLength, name, i32 valueErrno, u32 length, value)
 */
#include "directory-scan.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_ATTEMPTS 8

/* A growing output buffer; `failed` is set once an allocation fails, after which writes are ignored. */
typedef struct {
  uint8_t *data;
  size_t length;
  size_t capacity;
  int failed;
} Output;

static void reserve(Output *out, size_t more) {
  if (out->failed || out->length + more <= out->capacity) return;
  size_t capacity = out->capacity ? out->capacity : 4096;
  while (capacity < out->length + more) capacity *= 2;
  uint8_t *data = realloc(out->data, capacity);
  if (data == NULL) {
    out->failed = 1;
    return;
  }
  out->data = data;
  out->capacity = capacity;
}

static void put(Output *out, const void *bytes, size_t length) {
  reserve(out, length);
  if (out->failed) return;
  memcpy(out->data + out->length, bytes, length);
  out->length += length;
}

static void put_u16(Output *out, uint16_t v) { put(out, &v, sizeof v); }
static void put_u32(Output *out, uint32_t v) { put(out, &v, sizeof v); }
static void put_i32(Output *out, int32_t v) { put(out, &v, sizeof v); }
static void put_u64(Output *out, uint64_t v) { put(out, &v, sizeof v); }
static void put_i64(Output *out, int64_t v) { put(out, &v, sizeof v); }

/* A name read from the directory. */
typedef struct {
  char *name;
  size_t length;
} Name;

static int compare_names(const void *a, const void *b) {
  const Name *x = a, *y = b;
  size_t common = x->length < y->length ? x->length : y->length;
  int c = memcmp(x->name, y->name, common);
  if (c != 0) return c;
  return x->length < y->length ? -1 : x->length > y->length ? 1 : 0;
}

static void free_names(Name *names, size_t count) {
  for (size_t i = 0; i < count; i++) free(names[i].name);
  free(names);
}

/* The symlink's target, retried with a larger buffer while it may have been cut off. */
static void put_link_target(Output *out, int dirfd, const char *name) {
  size_t size = 256;
  for (int attempt = 0; attempt < MAX_ATTEMPTS + 8; attempt++, size *= 2) {
    char *target = malloc(size);
    if (target == NULL) break;
    ssize_t got = readlinkat(dirfd, name, target, size);
    if (got < 0) {
      int err = errno;
      free(target);
      put_i32(out, err);
      put_u32(out, 0);
      return;
    }
    if ((size_t)got < size) {
      put_i32(out, 0);
      put_u32(out, (uint32_t)got);
      put(out, target, (size_t)got);
      free(target);
      return;
    }
    free(target);
  }
  put_i32(out, ENOMEM);
  put_u32(out, 0);
}

int read_xattr_value(const char *path, const char *name, char **value_out, size_t *length_out) {
  int err = ERANGE;
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    ssize_t size = lgetxattr(path, name, NULL, 0);
    if (size < 0) return errno;
    char *value = malloc(size > 0 ? (size_t)size : 1);
    if (value == NULL) return ENOMEM;
    ssize_t got = size > 0 ? lgetxattr(path, name, value, (size_t)size) : 0;
    if (got >= 0) {
      *value_out = value;
      *length_out = (size_t)got;
      return 0;
    }
    err = errno;
    free(value);
    if (err != ERANGE) return err;
  }
  return err;
}

/* One attribute's value: errno, length, bytes. */
static void put_xattr_value(Output *out, const char *path, const char *name) {
  char *value = NULL;
  size_t length = 0;
  int err = read_xattr_value(path, name, &value, &length);
  put_i32(out, err);
  put_u32(out, err == 0 ? (uint32_t)length : 0);
  if (err == 0) {
    put(out, value, length);
    free(value);
  }
}

/* The attributes of `path` itself, in the kernel's order. */
static void put_xattrs(Output *out, const char *path) {
  int err = ERANGE;
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    ssize_t size = llistxattr(path, NULL, 0);
    if (size < 0) {
      err = errno;
      break;
    }
    if (size == 0) {
      put_i32(out, 0);
      put_u32(out, 0);
      return;
    }
    char *names = malloc((size_t)size);
    if (names == NULL) {
      err = ENOMEM;
      break;
    }
    ssize_t got = llistxattr(path, names, (size_t)size);
    if (got < 0) {
      err = errno;
      free(names);
      if (err == ERANGE) continue;
      break;
    }
    uint32_t count = 0;
    for (ssize_t at = 0; at < got; at += (ssize_t)strnlen(names + at, (size_t)(got - at)) + 1)
      if (names[at] != '\0') count++;
    put_i32(out, 0);
    put_u32(out, count);
    for (ssize_t at = 0; at < got;) {
      size_t length = strnlen(names + at, (size_t)(got - at));
      if (length > 0) {
        put_u16(out, (uint16_t)length);
        put(out, names + at, length);
        put_xattr_value(out, path, names + at);
      }
      at += (ssize_t)length + 1;
    }
    free(names);
    return;
  }
  put_i32(out, err);
  put_u32(out, 0);
}

static void put_entry(Output *out, int dirfd, const char *dir, size_t dir_length, const Name *entry,
                      int with_xattrs, char **path_buffer, size_t *path_capacity) {
  put_u16(out, (uint16_t)entry->length);
  put(out, entry->name, entry->length);
  struct stat st;
  if (fstatat(dirfd, entry->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    put_i32(out, errno);
    return;
  }
  put_i32(out, 0);
  put_u32(out, (uint32_t)st.st_mode);
  put_u32(out, (uint32_t)st.st_uid);
  put_u32(out, (uint32_t)st.st_gid);
  put_u64(out, (uint64_t)st.st_ino);
  put_u64(out, (uint64_t)st.st_dev);
  put_u64(out, (uint64_t)st.st_nlink);
  put_u64(out, (uint64_t)st.st_size);
  put_u64(out, (uint64_t)st.st_rdev);
  put_i64(out, (int64_t)st.st_atim.tv_sec);
  put_u32(out, (uint32_t)st.st_atim.tv_nsec);
  put_i64(out, (int64_t)st.st_mtim.tv_sec);
  put_u32(out, (uint32_t)st.st_mtim.tv_nsec);
  put_i64(out, (int64_t)st.st_ctim.tv_sec);
  put_u32(out, (uint32_t)st.st_ctim.tv_nsec);
  if (S_ISLNK(st.st_mode)) {
    put_link_target(out, dirfd, entry->name);
    return;
  }
  if (!with_xattrs) return;
  /* l*xattr take a path: dir + "/" + name (the directory was opened by this path a moment ago). */
  size_t needed = dir_length + 1 + entry->length + 1;
  if (needed > *path_capacity) {
    char *grown = realloc(*path_buffer, needed);
    if (grown == NULL) {
      put_i32(out, ENOMEM);
      put_u32(out, 0);
      return;
    }
    *path_buffer = grown;
    *path_capacity = needed;
  }
  char *path = *path_buffer;
  memcpy(path, dir, dir_length);
  size_t at = dir_length;
  if (at > 0 && path[at - 1] != '/') path[at++] = '/';
  memcpy(path + at, entry->name, entry->length + 1);
  put_xattrs(out, path);
}

/* Reads the names (sorted); returns 0 or an errno, with `syscall` set to the call that failed. */
static int read_names(DIR *directory, Name **names_out, size_t *count_out, const char **syscall) {
  size_t count = 0, capacity = 64;
  Name *names = malloc(capacity * sizeof *names);
  if (names == NULL) {
    *syscall = "malloc";
    return ENOMEM;
  }
  for (;;) {
    errno = 0;
    struct dirent *entry = readdir(directory);
    if (entry == NULL) {
      if (errno != 0) {
        int err = errno;
        free_names(names, count);
        *syscall = "readdir";
        return err;
      }
      break;
    }
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    if (count == capacity) {
      Name *grown = realloc(names, capacity * 2 * sizeof *names);
      if (grown == NULL) {
        free_names(names, count);
        *syscall = "malloc";
        return ENOMEM;
      }
      names = grown;
      capacity *= 2;
    }
    size_t length = strlen(name);
    names[count].name = malloc(length + 1);
    if (names[count].name == NULL) {
      free_names(names, count);
      *syscall = "malloc";
      return ENOMEM;
    }
    memcpy(names[count].name, name, length + 1);
    names[count].length = length;
    count++;
  }
  qsort(names, count, sizeof *names, compare_names);
  *names_out = names;
  *count_out = count;
  return 0;
}

napi_value scan_directory(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "scanDirectory needs dir and withXattrs");
    return NULL;
  }
  bool with_xattrs = false;
  if (napi_get_value_bool(env, argv[1], &with_xattrs) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "withXattrs must be a boolean");
    return NULL;
  }
  char *dir = c_string_arg(env, argv[0], "dir");
  if (dir == NULL) return NULL;
  int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dirfd < 0) {
    int err = errno;
    free(dir);
    return throw_errno(env, err, "opendir");
  }
  DIR *directory = fdopendir(dirfd);
  if (directory == NULL) {
    int err = errno;
    close(dirfd);
    free(dir);
    return throw_errno(env, err, "fdopendir");
  }
  Name *names = NULL;
  size_t count = 0;
  const char *syscall = "readdir";
  int err = read_names(directory, &names, &count, &syscall);
  if (err != 0) {
    closedir(directory);
    free(dir);
    return throw_errno(env, err, syscall);
  }
  Output out = {0};
  char *path_buffer = NULL;
  size_t path_capacity = 0;
  size_t dir_length = strlen(dir);
  for (size_t i = 0; i < count; i++)
    put_entry(&out, dirfd, dir, dir_length, &names[i], with_xattrs, &path_buffer, &path_capacity);
  free(path_buffer);
  free_names(names, count);
  closedir(directory); /* closes dirfd */
  free(dir);
  if (out.failed) {
    free(out.data);
    return throw_errno(env, ENOMEM, "scanDirectory");
  }
  napi_value result;
  napi_create_buffer_copy(env, out.length, out.length > 0 ? out.data : (const void *)"", NULL, &result);
  free(out.data);
  return result;
}

#else /* not Linux */

napi_value scan_directory(napi_env env, napi_callback_info info) {
  (void)info;
  return throw_errno(env, ENOTSUP, "scanDirectory");
}

#endif
