// zlib_stream_pinned.c — the fixed twin of zlib_stream_unpinned.c: the
// z_stream and the buffers it points to are pinned while zlib uses them
// (zlib also keeps a pointer to the stream itself between calls). A deflate /
// inflate round trip through managed memory, with no report.
//
// RUN-UNDER: cgosan-run --lib zlib --
// LIBS: -lz
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

static const uint8_t kStreamMask[] = {0xc9, 0x07};
static const cgosan_type kStreamType = {"z_stream", sizeof(z_stream), 88, kStreamMask, 0};
static const cgosan_type kBufferType = {"Bytef[4096]", 4096, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  Bytef *text = cgosan_new(&kBufferType);
  Bytef *packed = cgosan_new(&kBufferType);
  Bytef *unpacked = cgosan_new(&kBufferType);
  for (int i = 0; i < 4096; i++)
    text[i] = (Bytef)("cgosan"[i % 6]);
  z_stream *strm = cgosan_new(&kStreamType);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, strm);  // FIX: pinned for as long as zlib holds them
  cgosan_pin(pinner, text);
  cgosan_pin(pinner, packed);
  cgosan_pin(pinner, unpacked);

  deflateInit(strm, Z_BEST_COMPRESSION);
  strm->next_in = text;
  strm->avail_in = 4096;
  strm->next_out = packed;
  strm->avail_out = 4096;
  int rc = deflate(strm, Z_FINISH);
  uLong packed_len = strm->total_out;
  deflateEnd(strm);
  printf("deflate: %s, %lu bytes\n", rc == Z_STREAM_END ? "Z_STREAM_END" : "?", packed_len);

  memset(strm, 0, sizeof *strm);
  inflateInit(strm);
  strm->next_in = packed;
  strm->avail_in = (uInt)packed_len;
  strm->next_out = unpacked;
  strm->avail_out = 4096;
  rc = inflate(strm, Z_FINISH);
  inflateEnd(strm);
  printf("inflate: %s, round trip %s\n", rc == Z_STREAM_END ? "Z_STREAM_END" : "?",
         memcmp(text, unpacked, 4096) == 0 ? "identical" : "DIFFERENT");
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:deflate: Z_STREAM_END, {{[0-9]+}} bytes
// STDOUT-NEXT:inflate: Z_STREAM_END, round trip identical
// CHECK-NOT:{{.}}
