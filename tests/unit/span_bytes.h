// span_bytes.h — for the tests of memory the heap gives back (heap_test.cpp,
// and helper.cpp's "released" mode): how many bytes of spans some objects
// were made in.
#ifndef CGOSAN_TESTS_UNIT_SPAN_BYTES_H
#define CGOSAN_TESTS_UNIT_SPAN_BYTES_H

#include "heap/heap_internal.h"

// The bytes of the spans holding objects[0, n), made in a row from one span
// class: a span's objects are consecutive, so each change of span is a new
// one.
inline __sanitizer::uptr BytesOfSpansHolding(const __sanitizer::uptr *objects,
                                             __sanitizer::uptr n) {
  __sanitizer::uptr bytes = 0;
  const __cgosan::Span *last = nullptr;
  for (__sanitizer::uptr i = 0; i < n; i++) {
    const __cgosan::Span *s = __cgosan::SpanOf(objects[i]);
    if (s != last)
      bytes += s->npages * __cgosan::kPageSize;
    last = s;
  }
  return bytes;
}

#endif  // CGOSAN_TESTS_UNIT_SPAN_BYTES_H
