// bdwgc_stash_write.c — the first access to a dead Boehm GC object, made
// by the kernel: a library (interposed/stash.c) keeps an 8 KiB
// GC_MALLOC_ATOMIC buffer in a malloc'd record, the program drops its only
// reference and collects, and the library write(2)s the buffer. With
// retention=full the collection keeps the buffer for cgosan with its pages
// protected, which the kernel would meet as EFAULT (the library's write
// failing, the program changed): write's interceptor reports the kept
// buffer handed to it, and opens it first, so that with halt_on_error=0 the
// write proceeds (the program prints 8192). The silent twin:
// bdwgc_stash_write_global.c (the buffer kept in a global).
//
// SHARED-LIB: interposed/stash.c
// PREP: cgosan-gen %S/interposed/stash.h --lib %w/libstash.so -o %w/stash-interposer.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/stash-interposer.so --
// ENV: CGOSAN_OPTIONS=retention=full:halt_on_error=0
// LIBS: -lgc
// EXIT: 66
#include <gc/gc.h>
#include <stash.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef KEEP  // bdwgc_stash_write_global.c: 1
#define KEEP 0
#endif

static char *kept_buffer;  // KEEP: a root bdwgc scans

// In a frame of its own: no slot of main's keeps a copy of the address.
__attribute__((noinline)) static void stash_buffer(void) {
  char *buf = GC_MALLOC_ATOMIC(8192);
  memset(buf, 'x', 8192);
  stash_keep(buf, 8192);
  if (KEEP)
    kept_buffer = buf;
}

// Zeroes the stack below the caller's frame, where the frames of the call
// left copies of the buffer's address.
__attribute__((noinline)) static void clear_stack_below(void) {
  volatile char frames[64 * 1024];
  memset((char *)frames, 0, sizeof(frames));
}

#if !KEEP
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read object 0x[[BUF:[0-9a-f]+]] of heap 'bdwgc' freed by collection {{[0-9]+}} (argument 0 of stash_keep kept it)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in stash_write {{.*}}/interposed/stash.c:20:41
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_stash_write.c:[[#@LINE+21]]:12
// CHECK:  0x[[BUF]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  the access is a read of size 8192 in write(2) on thread [[PID]], {{[0-9]+}} ms after the collection
// CHECK-NEXT:  nothing the collector scans pointed to it: stash_keep kept the pointer where the collector does not look
// CHECK-NEXT:  fix: keep a reference where the collector scans (a global, a field of a collected object) for as long as stash_keep may use the object, or make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the library owns
// CHECK-NEXT:  handed to stash_keep at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in stash_buffer {{.*}}/bdwgc_stash_write.c:34:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_stash_write.c:[[#@LINE+8]]:3
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/interposed/stash.c:20:41 in stash_write
// The kernel read the buffer, opened before the call: no EFAULT.
// STDOUT:wrote 8192
#endif
int main(void) {
  GC_INIT();
  stash_buffer();
  clear_stack_below();
  GC_gcollect();
  int fds[2];  // a pipe: the kernel copies the bytes (/dev/null would not)
  if (pipe(fds))
    return 1;
  long n = stash_write(fds[1]);  // BUG (KEEP 0): the library writes a freed buffer
  printf("wrote %ld\n", n);
  return 0;
}
