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
#include "zlib_record.h"

static __attribute__((noinline)) void pack(z_stream *strm, cgosan_pinner *pinner) {
  uInt len;
  Bytef *record = new_record(&len);
  cgosan_pin(pinner, record);  // FIX: pinned for as long as the stream has it
  strm->next_in = record;
  strm->avail_in = len;
}

static void managed_main(void *arg) {
  (void)arg;
  z_stream *strm = calloc(1, sizeof *strm);
  cgosan_pinner *pinner = cgosan_pinner_new();
  pack(strm, pinner);
  inflateInit(strm);
  inflate_rounds(strm);
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
