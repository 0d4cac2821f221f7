// interposed_noescape_broken.c — Go 1.22's noescape promise, broken, through
// an interposer made by cgosan-gen with interposed/keeper.ini: keeper_hold
// is annotated `noescape = yes` (it keeps none of the managed pointers it
// receives), yet it keeps its buffer, and keeper_peek reads it in a later
// call. With retention=full the unpinned buffer is watched once keeper_hold
// returns, and the read is the retained-pointer report, naming the promise.
// The silent twin: interposed_noescape_kept.c.
//
// EXIT: 66
// SHARED-LIB: interposed/keeper.c
// PREP: cgosan-gen %S/interposed/keeper.h --lib %w/libkeeper.so --annotations %S/interposed/keeper.ini -o %w/keeper-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/keeper-interposer.so --
// ENV: CGOSAN_OPTIONS=retention=full
#include <cgosan/cgosan.h>
#include <keeper.h>
#include <stdio.h>

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
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_noescape_broken.c:[[#@LINE+7]]:15
// CHECK-NEXT:  lent to keeper_hold at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_noescape_broken.c:[[#@LINE+9]]:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

static void managed_main(void *arg) {
  (void)arg;
  char *buf = cgosan_new(&kBufType);
  snprintf(buf, 16, "kept");
  printf("sum %ld\n", keeper_sum(buf, 4));  // keeps the promise: nothing kept
  fflush(stdout);
  keeper_hold(buf);  // BUG: promised noescape, keeps buf
  printf("peeked %c\n", keeper_peek(2));
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
