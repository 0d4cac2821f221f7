// uv_fs_write_retained.c — rule 2 with the real libuv: uv_fs_write with a
// callback returns at once, and a thread of libuv's pool write(2)s the
// buffers later, during uv_run. The buffer here is managed and not pinned:
// the program makes its uv_buf_t with uv_buf_init (the buffer lent as its
// argument 0, watched once it returns) and keeps the uv_buf_t array in C
// memory; uv_fs_write copies the array into its request and keeps the
// managed pointer after it returned. The pool thread's write(2) is the
// kernel's access, which a protected page would turn into EFAULT: the
// write interceptor reports it instead, as a read by foreign code in
// write(2), on the pool's thread.
//
// What Go says: storing an unpinned Go pointer in C memory (the array) is
// the first bug (cgocheck=2), and libuv keeping it after uv_fs_write
// returned is rule 2; Go's collector may free the buffer before the pool
// writes it. The same array on the stack (a Go variable) holding the
// unpinned buffer would be rule 1 at uv_fs_write, as Go's cgocheck=1 says:
// uv_fs_write_unpinned_bufs.c. The silent twin, uv_fs_write_pinned.c, pins
// the buffer until the write callback.
//
// RUN-UNDER: cgosan-run --lib uv --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -luv
// EXIT: 66
#include "uv_fs_write_line.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[LINE:[0-9a-f]+]] after the call it was lent to returned (argument 0 of uv_buf_init)
// libuv's pool runs the write: its frames (unsymbolized) on a thread of its own.
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}}  ({{.*}}libuv.so.1+0x{{[0-9a-f]+}}) {{.*}}
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK:  0x[[LINE]] is object of type 'char[32]' (32 bytes)
// CHECK-NEXT:  the access is a read of size 27 by foreign code in write(2) on thread {{[0-9]+}}
// CHECK-NEXT:  lent as argument 0 of uv_buf_init, which returned {{[0-9]+}} foreign call{{s?}} and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[LINE]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_line {{.*}}/uv_fs_write_line.h:18:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/uv_fs_write_retained.c:[[#@LINE+13]]:16
// CHECK-NEXT:  lent to uv_buf_init at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/uv_fs_write_retained.c:[[#@LINE+14]]:11
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

static void on_write(uv_fs_t *req) {
  printf("written: %zd\n", req->result);
  uv_fs_req_cleanup(req);
}

static void managed_main(void *arg) {
  (void)arg;
  uv_loop_t *loop = uv_default_loop();
  char *line = new_line();
  uv_buf_t *bufs = malloc(sizeof *bufs);  // C memory
  uv_fs_t *req = calloc(1, sizeof *req);
  *bufs = uv_buf_init(line, kLineLen);  // BUG: libuv keeps `line`, not pinned
  uv_fs_write(loop, req, line_pipe_write_end(), bufs, 1, -1, on_write);
  uv_run(loop, UV_RUN_DEFAULT);
  free(req);
  free(bufs);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
