// pass_noescape_broken.c — Go 1.22's noescape promise through the clang
// pass: -cgosan-noescape=keeper_hold,keeper_sum promises that both keep none
// of the managed pointers they receive (-cgosan-foreign routes keeper_peek).
// keeper_hold keeps its buffer anyway, and keeper_peek reads it in a later
// call: with retention=full, the retained-pointer report names the broken
// promise. The silent twin: pass_noescape_kept.c. Registered at -O0 and -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=keeper_* -mllvm -cgosan-noescape=keeper_hold,keeper_sum
// FOREIGN: interposed/keeper.c
// ENV: CGOSAN_OPTIONS=retention=full
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>

#include "interposed/keeper.h"

static const cgosan_type kBufType = {"char[16]", 16, 0, NULL, 0};

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[BUF:[0-9a-f]+]] after the call it was lent to returned (argument 0 of keeper_hold)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in keeper_peek {{.*}}keeper.c:[[#]]:{{[0-9]+}}
// CHECK:  0x[[BUF]] is 2 bytes into object 0x{{[0-9a-f]+}} of type 'char[16]' (16 bytes)
// CHECK-NEXT:  the access is a 1-byte read by foreign code on thread [[PID]]
// CHECK-NEXT:  lent as argument 0 of keeper_hold, which returned 1 foreign call and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  keeper_hold promised noescape (it keeps none of the managed pointers it receives), but its argument 0 was touched after it returned
// CHECK-NEXT:  fix: keeper_hold keeps the pointer, so drop its noescape promise (noescape = yes, -cgosan-noescape), and pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x{{[0-9a-f]+}} was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_noescape_broken.c:[[#@LINE+7]]:15
// CHECK-NEXT:  lent to keeper_hold at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_noescape_broken.c:[[#@LINE+10]]:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

static void managed_main(void *arg) {
  (void)arg;
  char *buf = cgosan_new(&kBufType);
  snprintf(buf, 16, "kept");
  long sum = keeper_sum(buf, 4);  // keeps the promise: nothing kept
  printf("sum %ld\n", sum);
  fflush(stdout);
  keeper_hold(buf);  // BUG: promised noescape, keeps buf
  int peeked = keeper_peek(2);
  printf("peeked %c\n", peeked);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
