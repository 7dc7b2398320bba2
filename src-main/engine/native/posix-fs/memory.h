/* Memory functions of the posix-fs addon (memory.c). */
#ifndef POSIX_FS_MEMORY_H
#define POSIX_FS_MEMORY_H

#include "posix-fs-common.h"

napi_value release_free_memory(napi_env env, napi_callback_info info);
napi_value configure_allocator(napi_env env, napi_callback_info info);
napi_value discard_pages(napi_env env, napi_callback_info info);

#endif
