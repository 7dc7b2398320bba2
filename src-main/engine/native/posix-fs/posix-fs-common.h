/* Helpers shared by the posix-fs addon's source files (defined in posix-fs.c). */
#ifndef POSIX_FS_COMMON_H
#define POSIX_FS_COMMON_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>

/* Throws an fs-style error (`code`, `errno`, `syscall`) for `err`; returns NULL. */
napi_value throw_errno(napi_env env, int err, const char *syscall);

/* A malloc'ed NUL-terminated copy of a non-empty Buffer argument without NUL bytes; throws and returns NULL. */
char *c_string_arg(napi_env env, napi_value value, const char *what);

/*
 * lgetxattr of one attribute into a malloc'ed buffer (*value_out, free it), retried while the value changes size
 * between the size query and the read (ERANGE). Returns 0 or an errno. Linux only (directory-scan.c).
 */
int read_xattr_value(const char *path, const char *name, char **value_out, size_t *length_out);

#endif
