// retained_lib_thread_buffer.c — rule 2 across threads: a library keeps the
// managed buffer lib_fill_async was handed and its own thread writes it
// after that call returned (while lib_wait, which was not handed it, runs).
// With retention=full the buffer is watched from the return, and the
// thread's write is the report. The fixed twin,
// retained_lib_thread_handle.c, hands the library a handle instead.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=lib_*
// FOREIGN: retained_lib_thread.c
// LIBS: -lpthread
// ENV: CGOSAN_OPTIONS=retention=full
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>

#include "retained_lib_thread.h"

static const cgosan_type kBufType = {"char[16]", 16, 0, NULL, 0};

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code wrote managed memory at 0x[[BUF:[0-9a-f]+]] after the call it was lent to returned (argument 0 of lib_fill_async)
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in work {{.*}}/retained_lib_thread.c:[[#]]:5
// CHECK:  0x[[BUF]] is object of type 'char[16]' (16 bytes)
// CHECK-NEXT:  the access is a {{[0-9]+-byte write|write of unknown size}} by foreign code on thread {{[0-9]+}}
// CHECK-NEXT:  lent as argument 0 of lib_fill_async, which returned 1 foreign call and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[BUF]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/retained_lib_thread_buffer.c:[[#@LINE+7]]:15
// CHECK-NEXT:  lent to lib_fill_async at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/retained_lib_thread_buffer.c:[[#@LINE+6]]:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

static void managed_main(void *arg) {
  (void)arg;
  char *buf = cgosan_new(&kBufType);
  lib_fill_async(buf, 16);  // BUG: the library's thread writes it later
  lib_wait();
  printf("filled: %.4s\n", buf);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
