// zlib_record.h — what zlib_retained_input.c and its twin share: a text
// compressed into a managed record (the record is compress's argument 0),
// and a record inflated through a C-memory z_stream that already has it as
// next_in, 64 bytes of room a call (zpipe's loop), so that zlib keeps
// next_in from call to call. The test calls inflateInit itself: at its
// return (gc_at_return=1) no frame that held the record has been reused.
#ifndef CGOSAN_TESTS_E2E_ZLIB_RECORD_H
#define CGOSAN_TESTS_E2E_ZLIB_RECORD_H

#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static const cgosan_type kTextType = {"Bytef[4096]", 4096, 0, NULL, 0};
static const cgosan_type kRecordType = {"Bytef[8192]", 8192, 0, NULL, 0};

static __attribute__((noinline)) Bytef *new_record(uInt *record_len) {
  Bytef *text = cgosan_new(&kTextType);
  for (int i = 0; i < 4096; i++)
    text[i] = (Bytef)("retained"[i % 8] + i / 512);
  Bytef *record = cgosan_new(&kRecordType);
  uLongf len = 8192;
  compress(record, &len, text, 4096);
  *record_len = (uInt)len;
  return record;
}

// The stream is initialised: inflate until the end.
static void inflate_rounds(z_stream *strm) {
  static Bytef out[64];  // C memory
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
}

#endif
