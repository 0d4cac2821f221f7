// zlib_retained_input.c — rule 2 with the real zlib: a z_stream keeps its
// input pointer between calls, and here the stream is C memory (calloc)
// and its input a managed buffer nothing pins. pack() compresses a text into
// a managed record (compress's argument 0) and leaves the record in the
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
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static const cgosan_type kTextType = {"Bytef[4096]", 4096, 0, NULL, 0};
static const cgosan_type kRecordType = {"Bytef[8192]", 8192, 0, NULL, 0};

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[REC:[0-9a-f]+]] after the call it was lent to returned (argument 0 of compress)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in inflate ({{.*}}libz.so{{.*}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_retained_input.c:[[#@LINE+35]]:10
// CHECK:  0x[[REC]] is object of type 'Bytef[8192]' (8192 bytes)
// CHECK-NEXT:  the access is by foreign code on thread [[PID]]
// CHECK-NEXT:  lent as argument 0 of compress, which has returned: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  the object was freed by collection 2; its memory is poisoned
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[REC]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in pack {{.*}}/zlib_retained_input.c:[[#@LINE+10]]:19
// CHECK:  lent to compress at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in pack {{.*}}/zlib_retained_input.c:[[#@LINE+10]]:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

// A record of the text, compressed, left as the stream's input.
static __attribute__((noinline)) void pack(z_stream *strm) {
  Bytef *text = cgosan_new(&kTextType);
  for (int i = 0; i < 4096; i++)
    text[i] = (Bytef)("retained"[i % 8] + i / 512);
  Bytef *record = cgosan_new(&kRecordType);
  uLongf record_len = 8192;
  compress(record, &record_len, text, 4096);
  strm->next_in = record;  // BUG: an unpinned managed pointer kept in C memory
  strm->avail_in = (uInt)record_len;
}

static void managed_main(void *arg) {
  (void)arg;
  static Bytef out[64];  // C memory
  z_stream *strm = calloc(1, sizeof *strm);
  pack(strm);
  inflateInit(strm);  // its return collects: nothing managed holds the record
  uLong total = 0;
  int rounds = 0, rc;
  do {
    strm->next_out = out;
    strm->avail_out = sizeof out;
    rc = inflate(strm, Z_NO_FLUSH);
    total += sizeof out - strm->avail_out;
    rounds++;
  } while (rc == Z_OK);
  printf("inflate: %d, %lu bytes in %d rounds\n", rc, total, rounds);
  inflateEnd(strm);
  free(strm);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
