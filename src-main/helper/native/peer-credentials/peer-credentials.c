/*
 * Who is on the other end of a Unix-domain socket: getsockopt(SO_PEERCRED) on the connected socket's fd, as one
 * Node-API function. The helper runs as root and decides from these credentials whether a connecting process may
 * talk to it (peer-authorization.ts); Node.js offers no way to read them.
 *
 * The kernel records the credentials when the peer called connect(), so they cannot be changed afterwards by the
 * peer (unlike anything the peer could send over the socket).
 *
 * peerCredentials(fd: number) → { pid, uid, gid }. Errors are thrown as Error objects shaped like Node's fs errors:
 * `code` ("EBADF", "ENOTSOCK", …), `errno` (negative, as in libuv), `syscall`. On platforms other than Linux it
 * throws ENOTSUP, so `npm ci` still builds on Windows and macOS (macOS would need getpeereid/LOCAL_PEERPID).
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef __linux__
#include <sys/socket.h>
#include <sys/types.h>
#endif

/* Errno names for the codes getsockopt can return; others are reported as "E<number>". */
static const char *errno_name(int err, char *fallback, size_t fallback_size) {
  switch (err) {
    case EBADF: return "EBADF";
    case ENOTSOCK: return "ENOTSOCK";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ENOTSUP: return "ENOTSUP";
    case ENOTCONN: return "ENOTCONN";
    default:
      snprintf(fallback, fallback_size, "E%d", err);
      return fallback;
  }
}

/* Throws an fs-style error for `err`; returns NULL so callers can `return throw_errno(...)`. */
static napi_value throw_errno(napi_env env, int err, const char *syscall) {
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

/* The fd argument: a non-negative integer Number. Throws a TypeError and returns false otherwise. */
static bool fd_arg(napi_env env, napi_callback_info info, int *fd) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "missing argument: fd");
    return false;
  }
  napi_valuetype type;
  napi_typeof(env, argv[0], &type);
  double number = -1;
  if (type == napi_number) napi_get_value_double(env, argv[0], &number);
  /* The range check comes first: converting NaN or an out-of-range double to int is undefined. */
  if (type != napi_number || !(number >= 0 && number <= 2147483647.0) || number != (double)(int)number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fd must be a non-negative integer");
    return false;
  }
  *fd = (int)number;
  return true;
}

static void set_uint32(napi_env env, napi_value object, const char *name, uint32_t value) {
  napi_value number;
  napi_create_uint32(env, value, &number);
  napi_set_named_property(env, object, name, number);
}

#ifdef __linux__
/* peerCredentials(fd): the pid, uid and gid the kernel recorded for the peer of a connected Unix socket. */
static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  int fd;
  if (!fd_arg(env, info, &fd)) return NULL;
  struct ucred credentials;
  socklen_t length = sizeof credentials;
  memset(&credentials, 0, sizeof credentials);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
    return throw_errno(env, errno, "getsockopt");
  }
  /* Not a Unix socket with a peer (e.g. a TCP socket reports nothing useful): refuse rather than report 0s. */
  if (length != sizeof credentials) return throw_errno(env, EINVAL, "getsockopt");
  napi_value result;
  napi_create_object(env, &result);
  set_uint32(env, result, "pid", (uint32_t)credentials.pid);
  set_uint32(env, result, "uid", (uint32_t)credentials.uid);
  set_uint32(env, result, "gid", (uint32_t)credentials.gid);
  return result;
}
#else
static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  int fd;
  if (!fd_arg(env, info, &fd)) return NULL;
  return throw_errno(env, ENOTSUP, "getsockopt");
}
#endif

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
    {"peerCredentials", NULL, peer_credentials, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
