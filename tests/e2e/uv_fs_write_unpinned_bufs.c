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
#include "uv_fs_write_line.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
// CHECK-NEXT:argument 3 of uv_fs_write has managed pointer to unpinned managed pointer
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/uv_fs_write_unpinned_bufs.c:[[#CALL:@LINE+16]]:3
// CHECK:  0x{{[0-9a-f]+}} in G 1's stack, frame of managed_main, of type 'struct uv_buf_t' (16 bytes), field at offset 0
// CHECK-NEXT:  holds 0x[[LINE:[0-9a-f]+]], object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  0x[[LINE]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_line {{.*}}/uv_fs_write_line.h:18:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/uv_fs_write_unpinned_bufs.c:[[#@LINE+8]]:16
// CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/uv_fs_write_unpinned_bufs.c:[[#CALL]]:3 in managed_main

static void on_write(uv_fs_t *req) { uv_fs_req_cleanup(req); }

static void managed_main(void *arg) {
  (void)arg;
  uv_fs_t *req = calloc(1, sizeof *req);
  char *line = new_line();
  uv_buf_t bufs[1] = {uv_buf_init(line, kLineLen)};
  // BUG: `line` is not pinned
  uv_fs_write(uv_default_loop(), req, line_pipe_write_end(), bufs, 1, -1, on_write);
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  free(req);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
