// zlib_unpinned_collected_each_return.c — zlib_unpinned_mid_stream.c's bug
// (the record pinned around the first inflate only, while zlib keeps it as
// next_in) under gc_at_return=1, with no collection of the program's own:
// the collection at the return of the first inflate after the unpin frees
// the record, and zlib reads it a few inflate calls later (it first empties
// what it has decoded), each of which collects again. The freed record's
// slot stays quarantined, poisoned and watched for as long as it is
// watched, not for one collection only: zlib's read is the report, naming
// the collection that freed the record (compress's return made collection
// 1, inflateInit's and the first inflate's 2 and 3).
//
// RUN-UNDER: cgosan-run --lib zlib --
// ENV: CGOSAN_OPTIONS=retention=full:gc_at_return=1
// LIBS: -lz
// EXIT: 66
#include "zlib_unpinned_stream.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[REC:[0-9a-f]+]] after the call it was lent to returned (argument 0 of compress)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in inflate ({{.*}}libz.so{{.*}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in inflate_rounds {{.*}}/zlib_record.h:37:10
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in inflate_past_the_unpin {{.*}}/zlib_unpinned_stream.h:35:3
// CHECK-NEXT:    #4 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_unpinned_collected_each_return.c:[[#@LINE+10]]:3
// CHECK:  0x[[REC]] is {{[0-9]+}} bytes into object 0x{{[0-9a-f]+}} of type 'Bytef[8192]' (8192 bytes)
// CHECK-NEXT:  the access is a {{[0-9]+-byte read|read of unknown size}} by foreign code on thread [[PID]]
// CHECK-NEXT:  lent as argument 0 of compress, which returned {{[0-9]+}} foreign calls and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  the object was freed by collection 4; its memory is poisoned
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

static void managed_main(void *arg) {
  (void)arg;
  inflate_past_the_unpin(NULL);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:unpinned with {{[1-9][0-9]+}} bytes of input left
