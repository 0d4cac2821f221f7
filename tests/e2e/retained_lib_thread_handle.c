// retained_lib_thread_handle.c — the fixed twin of
// retained_lib_thread_buffer.c: the library gets a handle, an integer, and
// its thread asks managed code (a callback) to fill what the handle names.
// Nothing managed is lent, so nothing is watched: no report with
// retention=full.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=lib_*
// FOREIGN: retained_lib_thread.c
// LIBS: -lpthread
// ENV: CGOSAN_OPTIONS=retention=full
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>

#include "retained_lib_thread.h"

static const cgosan_type kBufType = {"char[16]", 16, 0, NULL, 0};

static void fill_in_managed(void *frame) {
  memset(cgosan_handle_value(*(uintptr_t *)frame), 'x', 16);
}

// Called by the library's thread: back into managed code to fill it.
static void fill_cb(uintptr_t handle) {
  cgosan_cgocallback(fill_in_managed, &handle);
}

static void managed_main(void *arg) {
  (void)arg;
  char *buf = cgosan_new(&kBufType);
  uintptr_t handle = cgosan_handle_new(buf);  // FIX: a handle, not the pointer
  lib_fill_async_handle(handle, fill_cb);
  lib_wait();
  cgosan_handle_delete(handle);
  printf("filled: %.4s\n", buf);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:filled: xxxx
// CHECK-NOT:{{.}}
