// zlib_stream_unpinned.c — zlib through `cgosan-run --lib zlib`. Pointer-free
// managed buffers go to crc32 and compress without a report (Go allows the
// same). Then the program keeps its z_stream in managed memory and points
// next_in at a managed buffer it did not pin: deflate's argument 0 is a typed
// z_streamp, whose layout (from zlib.h) makes next_in a pointer slot, and the
// unpinned pointer in it is reported. zlib_stream_pinned.c is the fixed twin.
//
// RUN-UNDER: cgosan-run --lib zlib --
// LIBS: -lz
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

// z_stream as zlib.h lays it out: next_in, next_out, msg, state, zalloc,
// zfree and opaque are pointers (words 0, 3, 6, 7, 8, 9, 10).
static const uint8_t kStreamMask[] = {0xc9, 0x07};
static const cgosan_type kStreamType = {"z_stream", sizeof(z_stream), 88, kStreamMask, 0};
static const cgosan_type kBufferType = {"Bytef[4096]", 4096, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  Bytef *text = cgosan_new(&kBufferType);
  Bytef *packed = cgosan_new(&kBufferType);
  memset(text, 'z', 4096);
  uLong crc = crc32(crc32(0, Z_NULL, 0), text, 4096);
  uLongf packed_len = 4096;
  int rc = compress(packed, &packed_len, text, 4096);
  printf("crc32 %08lx, compress %d (%lu bytes)\n", crc, rc, (unsigned long)packed_len);
  fflush(stdout);  // the report ends the process

  z_stream *strm = cgosan_new(&kStreamType);
  deflateInit(strm, Z_DEFAULT_COMPRESSION);
  strm->next_in = text;  // BUG: unpinned managed memory, kept by zlib across calls
  strm->avail_in = 4096;
  strm->next_out = packed;
  strm->avail_out = 4096;
  deflate(strm, Z_FINISH);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of deflate has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/zlib_stream_unpinned.c:[[#DEFLATE:@LINE-3]]:3
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'z_stream' (112 bytes), field at offset 0
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'Bytef[4096]' (4096 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/zlib_stream_unpinned.c:[[#DEFLATE]]:3 in managed_main
  deflateEnd(strm);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:crc32 {{[0-9a-f]+}}, compress 0 ({{[0-9]+}} bytes)
