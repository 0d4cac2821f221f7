// span_lookup.h — the least of the heap's layout a pointer check reads
// inline: the page map (arena page -> Span) and a span's noscan byte, so an
// untyped check of pointer-free memory costs the loads and no call, and the
// check that goes on hands the span it found to the object lookup
// (FindReferentShape) instead of looking it up again. heap_internal.h owns
// the Span and checks these numbers against it (static_assert): a field
// added before `noscan` fails the build there.
#ifndef CGOSAN_RTL_HEAP_SPAN_LOOKUP_H
#define CGOSAN_RTL_HEAP_SPAN_LOOKUP_H

#include "heap.h"

namespace __cgosan {

struct Span;  // heap_internal.h

constexpr uptr kPageShift = 13;  // 8 KiB pages, as Go
// Byte offset of Span::noscan (a bool: every object in the span is noscan).
constexpr uptr kSpanNoScanOffset = 28;

extern atomic_uintptr_t *page_map;  // page index -> Span*

// The span holding addr; null outside the arena and on pages no span has.
ALWAYS_INLINE Span *SpanOf(uptr addr) {
  uptr offset = addr - arena_start;
  if (offset >= kArenaSize)
    return nullptr;
  return reinterpret_cast<Span *>(
      atomic_load(&page_map[offset >> kPageShift], memory_order_acquire));
}

// True when s holds objects without pointer slots that are not references
// (Go's noscan span class), live or not: an untyped check of such memory has
// nothing to find.
ALWAYS_INLINE bool IsNoScanSpan(const Span *s) {
  return reinterpret_cast<const u8 *>(s)[kSpanNoScanOffset] != 0;
}

// FindReferent (heap.h) for an addr known to lie in span s (SpanOf(addr)),
// filling only what the slot walks read (scan.h): base, size, type, count,
// heap. alloc_stack and pinned are left 0 and false whatever they are: a
// caller that reports, or needs the pin, asks FindReferent.
bool FindReferentShape(const Span *s, uptr addr, ObjectInfo *info);

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HEAP_SPAN_LOOKUP_H
