#ifndef DIRECTORY_SCAN_H
#define DIRECTORY_SCAN_H
#include "posix-fs-common.h"

/* scanDirectory(dir: Buffer, withXattrs: boolean): Buffer — see directory-scan.c. */
napi_value scan_directory(napi_env env, napi_callback_info info);

#endif
