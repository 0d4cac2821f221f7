// zlib_unpinned_mid_stream.c — the record zlib_retained_input_pinned.c pins
// for the stream's life is pinned here only around the first inflate, as
// if the pin were for one call: zlib still has it as next_in (only 64
// bytes came out, most of the record is unread) when the program unpins
// it. Go: C code may keep a Go pointer while it is pinned, not after the
// Unpin, and nothing else holds the record; cgocheck never sees it. With
// retention=full the record, lent to compress before, is watched again
// from the unpin; a collection frees it, and zlib's next read of it, a few
// inflate calls later (zlib first empties what it has decoded), is the
// report, with the collection. The collection is the program's own
// cgosan_gc; zlib_unpinned_collected_each_return.c is the same bug under
// gc_at_return=1, where each of those calls collects again.
//
// RUN-UNDER: cgosan-run --lib zlib --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lz
// EXIT: 66
#include "zlib_unpinned_stream.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[REC:[0-9a-f]+]] after the call it was lent to returned (argument 0 of compress)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in inflate ({{.*}}libz.so{{.*}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in inflate_rounds {{.*}}/zlib_record.h:37:10
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in inflate_past_the_unpin {{.*}}/zlib_unpinned_stream.h:35:3
// CHECK-NEXT:    #4 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_unpinned_mid_stream.c:[[#@LINE+10]]:3
// CHECK:  0x[[REC]] is {{[0-9]+}} bytes into object 0x{{[0-9a-f]+}} of type 'Bytef[8192]' (8192 bytes)
// CHECK-NEXT:  the access is a {{[0-9]+-byte read|read of unknown size}} by foreign code on thread [[PID]]
// CHECK-NEXT:  lent as argument 0 of compress, which returned {{[0-9]+}} foreign call{{s?}} and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  the object was freed by collection 1; its memory is poisoned
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

static void managed_main(void *arg) {
  (void)arg;
  inflate_past_the_unpin(cgosan_gc);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:unpinned with {{[1-9][0-9]+}} bytes of input left
