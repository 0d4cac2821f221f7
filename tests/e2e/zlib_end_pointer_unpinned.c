// zlib_end_pointer_unpinned.c — the illegal twin of zlib_end_pointers.c. A
// fixed-size record is deflated until it is full, so zlib leaves next_out at
// its end (out + 64, C's end pointer); then the program unpins the record
// while the stream, still pinned and still pointing at it, goes to
// deflateEnd. An end pointer refers to the buffer it ends, which must stay
// pinned as long as memory handed to C holds it: reported, naming the record
// (not the unpinned buffer allocated right after it).
//
// RUN-UNDER: cgosan-run --lib zlib --
// LIBS: -lz
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <zlib.h>

// z_stream as zlib.h lays it out: next_in, next_out, msg, state, zalloc,
// zfree and opaque are pointers (words 0, 3, 6, 7, 8, 9, 10).
static const uint8_t kStreamMask[] = {0xc9, 0x07};
static const cgosan_type kStreamType = {"z_stream", sizeof(z_stream), 88, kStreamMask, 0};
static const cgosan_type kInputType = {"Bytef[4096]", 4096, 0, NULL, 0};
static const cgosan_type kRecordType = {"Bytef[64]", 64, 0, NULL, 0};
static const cgosan_type kHeaderType = {"char[64]", 64, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  Bytef *in = cgosan_new(&kInputType);
  Bytef *record = cgosan_new(&kRecordType);
  char *header = cgosan_new(&kHeaderType);  // right after the record, not pinned
  z_stream *strm = cgosan_new(&kStreamType);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, strm);
  cgosan_pin(pinner, in);
  cgosan_pinner *record_pinner = cgosan_pinner_new();
  cgosan_pin(record_pinner, record);
  unsigned seed = 1;
  for (int i = 0; i < 4096; i++) {
    seed = seed * 1103515245 + 12345;
    in[i] = (Bytef)(seed >> 16);
  }
  header[0] = 'z';

  deflateInit(strm, Z_DEFAULT_COMPRESSION);
  strm->next_in = in;
  strm->avail_in = 4096;
  strm->next_out = record;
  strm->avail_out = 64;
  int rc = deflate(strm, Z_FINISH);
  printf("record: %s, next_out at the end: %s\n", rc == Z_OK ? "Z_OK" : "?",
         strm->next_out == record + 64 ? "yes" : "no");
  fflush(stdout);  // the report ends the process
  cgosan_unpin(record_pinner);  // BUG: the stream still points at the record
  deflateEnd(strm);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of deflateEnd has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_end_pointer_unpinned.c:[[#END:@LINE-3]]:3
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'z_stream' (112 bytes), field at offset 24
  // CHECK-NEXT:  holds 0x[[#%x,END_PTR:]], the end of object 0x{{[0-9a-f]+}} of type 'Bytef[64]' (64 bytes), not pinned
  // CHECK-NEXT:  0x[[#%x,END_PTR-64]] was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_end_pointer_unpinned.c:[[#@LINE-32]]:19
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/zlib_end_pointer_unpinned.c:[[#END]]:3 in managed_main
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  cgosan_pinner_free(record_pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:record: Z_OK, next_out at the end: yes
