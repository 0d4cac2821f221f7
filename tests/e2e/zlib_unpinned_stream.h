// zlib_unpinned_stream.h — what zlib_unpinned_mid_stream.c and
// zlib_unpinned_collected_each_return.c share: a record (zlib_record.h)
// pinned around the first inflate only, as if the pin were for one call,
// and unpinned while zlib still has it as next_in (only 64 bytes came out,
// most of the record is unread); then `collect` (if any) and the inflate
// rounds, in which zlib reads the record again.
#ifndef CGOSAN_TESTS_E2E_ZLIB_UNPINNED_STREAM_H
#define CGOSAN_TESTS_E2E_ZLIB_UNPINNED_STREAM_H

#include "zlib_record.h"

static __attribute__((noinline)) void pack_pinned(z_stream *strm,
                                                  cgosan_pinner *pinner) {
  uInt len;
  Bytef *record = new_record(&len);
  cgosan_pin(pinner, record);
  strm->next_in = record;
  strm->avail_in = len;
}

static __attribute__((noinline)) void inflate_past_the_unpin(void (*collect)(void)) {
  static Bytef first[64];  // C memory
  z_stream *strm = calloc(1, sizeof *strm);
  cgosan_pinner *pinner = cgosan_pinner_new();
  pack_pinned(strm, pinner);
  inflateInit(strm);
  strm->next_out = first;
  strm->avail_out = sizeof first;
  inflate(strm, Z_NO_FLUSH);
  cgosan_unpin(pinner);  // BUG: zlib still reads the record in later calls
  printf("unpinned with %u bytes of input left\n", strm->avail_in);
  fflush(stdout);  // the report ends the process
  if (collect)
    collect();  // nothing holds the record now
  inflate_rounds(strm);
  inflateEnd(strm);
  free(strm);
  cgosan_pinner_free(pinner);
}

#endif
