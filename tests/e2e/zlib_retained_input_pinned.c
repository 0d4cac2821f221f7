// zlib_retained_input_pinned.c — the fixed twin of zlib_retained_input.c:
// the managed record a C-memory z_stream takes its input from is pinned
// from the moment it is stored there until inflateEnd (Go allows a pinned
// pointer in C memory, and C code to keep it). Every call returns through
// a collection (gc_at_return=1) and every lent object is watched
// (retention=full); the record lives, is not watched, and inflates whole
// over many calls of 64 bytes each. No report.
//
// RUN-UNDER: cgosan-run --lib zlib --
// ENV: CGOSAN_OPTIONS=retention=full:gc_at_return=1
// LIBS: -lz
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static const cgosan_type kTextType = {"Bytef[4096]", 4096, 0, NULL, 0};
static const cgosan_type kRecordType = {"Bytef[8192]", 8192, 0, NULL, 0};

static __attribute__((noinline)) void pack(z_stream *strm, cgosan_pinner *pinner) {
  Bytef *text = cgosan_new(&kTextType);
  for (int i = 0; i < 4096; i++)
    text[i] = (Bytef)("retained"[i % 8] + i / 512);
  Bytef *record = cgosan_new(&kRecordType);
  uLongf record_len = 8192;
  compress(record, &record_len, text, 4096);
  cgosan_pin(pinner, record);  // FIX: pinned for as long as the stream has it
  strm->next_in = record;
  strm->avail_in = (uInt)record_len;
}

static void managed_main(void *arg) {
  (void)arg;
  static Bytef out[64];  // C memory
  z_stream *strm = calloc(1, sizeof *strm);
  cgosan_pinner *pinner = cgosan_pinner_new();
  pack(strm, pinner);
  inflateInit(strm);
  uLong total = 0;
  int rounds = 0, rc;
  do {
    strm->next_out = out;
    strm->avail_out = sizeof out;
    rc = inflate(strm, Z_NO_FLUSH);
    total += sizeof out - strm->avail_out;
    rounds++;
  } while (rc == Z_OK);
  printf("inflate: %s, %lu bytes in %d rounds\n",
         rc == Z_STREAM_END ? "Z_STREAM_END" : "?", total, rounds);
  inflateEnd(strm);
  free(strm);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:inflate: Z_STREAM_END, 4096 bytes in 64 rounds
// CHECK-NOT:{{.}}
