// zlib_retained_input.c — rule 2 with the real zlib: a z_stream keeps its
// input pointer between calls, and here the stream is C memory (calloc)
// and its input a managed buffer nothing pins. pack() has a text compressed
// into a managed record (compress's argument 0, zlib_record.h) and leaves it in the
// stream's next_in for the inflate loop that follows; the managed side
// lets go of the record there. With gc_at_return=1 the collection at
// inflateInit's return frees it (C memory is no root), and the first
// inflate, with 64 bytes of room a call so that zlib keeps next_in from
// call to call, reads the freed record: retained-pointer, freed by
// collection 2 (compress's return made collection 1).
//
// What Go says: storing an unpinned Go pointer in C memory is the bug
// (cgocheck=2: "write of unpinned Go pointer to non-Go memory"); zlib then
// holds it across calls, and Go's collector may free the record meanwhile.
// cgocheck=1 sees nothing, and neither do cgosan's call checks here: inflate
// is handed a C pointer. Code built with the pass gets the store reported
// (pass_store_check.c); without it, what cgosan sees is the harm, zlib's read
// of the freed record, the record having been watched since compress, the
// last call handed it, returned. A z_stream in managed memory holding the
// same unpinned pointer is rule 1 at the call instead (zlib_stream_unpinned.c:
// Go's cgocheck=1 panics there too). The silent twin,
// zlib_retained_input_pinned.c, pins the record for the stream's life.
//
// RUN-UNDER: cgosan-run --lib zlib --
// ENV: CGOSAN_OPTIONS=retention=full:gc_at_return=1
// LIBS: -lz
// EXIT: 66
#include "zlib_record.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[REC:[0-9a-f]+]] after the call it was lent to returned (argument 0 of compress)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in inflate ({{.*}}libz.so{{.*}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in inflate_rounds {{.*}}/zlib_record.h:37:10
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_retained_input.c:[[#@LINE+27]]:3
// CHECK:  0x[[REC]] is object of type 'Bytef[8192]' (8192 bytes)
// CHECK-NEXT:  the access is a {{[0-9]+-byte read|read of unknown size}} by foreign code on thread [[PID]]
// CHECK-NEXT:  lent as argument 0 of compress, which returned {{[0-9]+}} foreign call{{s?}} and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  the object was freed by collection 2; its memory is poisoned
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[REC]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_record {{.*}}/zlib_record.h:22:19
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in pack {{.*}}/zlib_retained_input.c:[[#@LINE+9]]:19
// CHECK:  lent to compress at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_record {{.*}}/zlib_record.h:24:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in pack {{.*}}/zlib_retained_input.c:[[#@LINE+6]]:19
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

// The record, left as the stream's input.
static __attribute__((noinline)) void pack(z_stream *strm) {
  uInt len;
  Bytef *record = new_record(&len);
  strm->next_in = record;  // BUG: an unpinned managed pointer kept in C memory
  strm->avail_in = len;
}

static void managed_main(void *arg) {
  (void)arg;
  z_stream *strm = calloc(1, sizeof *strm);
  pack(strm);
  inflateInit(strm);  // its return collects: nothing managed holds the record
  inflate_rounds(strm);
  inflateEnd(strm);
  free(strm);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
