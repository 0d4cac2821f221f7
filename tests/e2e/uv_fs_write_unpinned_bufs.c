// uv_fs_write_unpinned_bufs.c — uv_fs_write's uv_buf_t array is an array of
// structs that hold pointers: handed over as a local (G stack memory) whose
// buffer is managed and not pinned, it is rule 1 at the call, as Go's
// cgocheck=1 says of a Go array of C.uv_buf_t holding an unpinned Go pointer
// ("cgo argument has Go pointer to unpinned Go pointer"). The library would
// keep the buffer past the call (uv_fs_write_retained.c); the fix is the
// same pin (uv_fs_write_pinned.c).
//
// RUN-UNDER: cgosan-run --lib uv --
// LIBS: -luv
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static const cgosan_type kLineType = {"char[32]", 32, 0, NULL, 0};

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
// CHECK-NEXT:argument 3 of uv_fs_write has managed pointer to unpinned managed pointer
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/uv_fs_write_unpinned_bufs.c:[[#CALL:@LINE+19]]:3
// CHECK:  0x{{[0-9a-f]+}} in G 1's stack, frame of managed_main, of type 'struct uv_buf_t' (16 bytes), field at offset 0
// CHECK-NEXT:  holds 0x[[LINE:[0-9a-f]+]], object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  0x[[LINE]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/uv_fs_write_unpinned_bufs.c:[[#@LINE+11]]:16
// CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/uv_fs_write_unpinned_bufs.c:[[#CALL]]:3 in managed_main

static void on_write(uv_fs_t *req) { uv_fs_req_cleanup(req); }

static void managed_main(void *arg) {
  (void)arg;
  int fds[2];
  if (pipe(fds))
    return;
  uv_loop_t *loop = uv_default_loop();
  char *line = cgosan_new(&kLineType);
  memcpy(line, "written by the thread pool\n", 27);
  uv_fs_t *req = calloc(1, sizeof *req);
  uv_buf_t bufs[1] = {uv_buf_init(line, 27)};
  uv_fs_write(loop, req, fds[1], bufs, 1, -1, on_write);  // BUG: `line` not pinned
  uv_run(loop, UV_RUN_DEFAULT);
  free(req);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
