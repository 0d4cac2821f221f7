// zlib_end_pointers.c — zlib leaves a stream's pointers at the end of their
// buffers: next_in at in + N once deflate has used the input (every later
// call of zpipe's loop sees it there), next_out at out + N when the output is
// full. Both are C's end pointers, the address one past a buffer, where the
// next object would begin if a slot had no room for them. The stream and the
// buffers zlib uses are pinned, each buffer followed by one that is not; the
// stream's opaque, handed to its zalloc and zfree, is a zero-size token (Go's
// &struct{}{}, which counts as pinned). No report.
// zlib_end_pointer_unpinned.c is the illegal twin.
//
// RUN-UNDER: cgosan-run --lib zlib --
// LIBS: -lz
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

// z_stream as zlib.h lays it out: next_in, next_out, msg, state, zalloc,
// zfree and opaque are pointers (words 0, 3, 6, 7, 8, 9, 10).
static const uint8_t kStreamMask[] = {0xc9, 0x07};
static const cgosan_type kStreamType = {"z_stream", sizeof(z_stream), 88, kStreamMask, 0};
static const cgosan_type kInputType = {"Bytef[4096]", 4096, 0, NULL, 0};
static const cgosan_type kOutputType = {"Bytef[64]", 64, 0, NULL, 0};
static const cgosan_type kTokenType = {"struct{}", 0, 0, NULL, 0};

static voidpf Alloc(voidpf opaque, uInt items, uInt size) {
  (void)opaque;
  return calloc(items, size);
}
static void Free(voidpf opaque, voidpf p) {
  (void)opaque;
  free(p);
}

static void managed_main(void *arg) {
  (void)arg;
  // Each buffer zlib uses is followed by one it does not (yet): not pinned.
  Bytef *in = cgosan_new(&kInputType);
  Bytef *next_in = cgosan_new(&kInputType);
  Bytef *out = cgosan_new(&kOutputType);
  Bytef *next_out = cgosan_new(&kOutputType);
  z_stream *strm = cgosan_new(&kStreamType);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, strm);
  cgosan_pin(pinner, in);
  cgosan_pin(pinner, out);
  unsigned seed = 1;
  for (int i = 0; i < 4096; i++) {  // compresses poorly: many rounds of output
    seed = seed * 1103515245 + 12345;
    in[i] = next_in[i] = (Bytef)(seed >> 16);
  }
  for (int i = 0; i < 64; i++) next_out[i] = 0;

  strm->zalloc = Alloc;
  strm->zfree = Free;
  strm->opaque = cgosan_new(&kTokenType);
  deflateInit(strm, Z_DEFAULT_COMPRESSION);
  strm->next_in = in;
  strm->avail_in = 4096;
  uLong total = 0;
  int rounds = 0, at_end = 0, rc;
  do {  // zpipe's loop
    strm->next_out = out;
    strm->avail_out = 64;
    rc = deflate(strm, Z_FINISH);
    total += 64 - strm->avail_out;
    rounds++;
    at_end += strm->next_in == in + 4096;
  } while (strm->avail_out == 0);
  deflateEnd(strm);
  printf("deflate: %s, %lu bytes in %d rounds, next_in at the end after %d\n",
         rc == Z_STREAM_END ? "Z_STREAM_END" : "?", total, rounds, at_end);

  // A fixed-size record: deflate until it is full, then give up.
  deflateInit(strm, Z_DEFAULT_COMPRESSION);
  strm->next_in = in;
  strm->avail_in = 4096;
  strm->next_out = out;
  strm->avail_out = 64;
  rc = deflate(strm, Z_FINISH);
  printf("record: %s, next_out at the end: %s\n", rc == Z_OK ? "Z_OK" : "?",
         strm->next_out == out + 64 ? "yes" : "no");
  deflateEnd(strm);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:deflate: Z_STREAM_END, {{[0-9]+}} bytes in {{[0-9]+}} rounds, next_in at the end after {{[1-9][0-9]+}}
// STDOUT-NEXT:record: Z_OK, next_out at the end: yes
// CHECK-NOT:{{.}}
