// uv_fs_write_pinned.c — the fixed twin of uv_fs_write_retained.c: the
// managed buffer libuv's pool writes is pinned from uv_fs_write until its
// callback, so libuv may keep it. The uv_buf_t array is a local (G stack
// memory) holding the pinned buffer: rule 1 allows it (Go too: the pointer
// it holds is pinned), and libuv copies the array into its request, so the
// array itself need not outlive the call. The pool thread's write(2) runs on
// a page retention=full left open (a pinned object's); no report.
//
// RUN-UNDER: cgosan-run --lib uv --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -luv
#include "uv_fs_write_line.h"

static void on_write(uv_fs_t *req) {
  cgosan_pinner *pinner = req->data;
  cgosan_unpin(pinner);  // FIX: pinned until the write is done
  cgosan_pinner_free(pinner);
  printf("written: %zd\n", req->result);
  uv_fs_req_cleanup(req);
}

static void managed_main(void *arg) {
  (void)arg;
  uv_loop_t *loop = uv_default_loop();
  char *line = new_line();
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, line);
  uv_fs_t *req = calloc(1, sizeof *req);
  req->data = pinner;
  uv_buf_t bufs[1] = {uv_buf_init(line, kLineLen)};
  uv_fs_write(loop, req, line_pipe_write_end(), bufs, 1, -1, on_write);
  uv_run(loop, UV_RUN_DEFAULT);
  char back[32] = {0};
  printf("read back: %s", read(line_pipe[0], back, sizeof back - 1) > 0 ? back : "nothing\n");
  free(req);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:written: 27
// STDOUT-NEXT:read back: written by the thread pool
// CHECK-NOT:{{.}}
