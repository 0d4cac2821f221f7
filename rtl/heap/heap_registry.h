// heap_registry.h — the heaps the checkers know (include/cgosan/heap.h):
// cgosan's own, always heap 0, and the foreign collectors registered with
// cgosan_heap_register. The checkers ask cgosan's heap first and inline
// (InArena, FindObject: the arena range test stays the first test of every
// check); only a value outside the arena and the G stacks, and only once a
// foreign heap is registered, costs a call here (AnyForeignHeap is one load).
#ifndef CGOSAN_RTL_HEAP_HEAP_REGISTRY_H
#define CGOSAN_RTL_HEAP_HEAP_REGISTRY_H

#include <cgosan/heap.h>
#include <emmintrin.h>

#include "gstack.h"
#include "heap.h"

namespace __cgosan {

constexpr u32 kMaxHeaps = 4;  // cgosan's own and up to three foreign heaps

// Foreign heaps registered so far (0: none, and no check pays for them).
extern atomic_uint32_t num_foreign_heaps;
ALWAYS_INLINE bool AnyForeignHeap() {
  return atomic_load(&num_foreign_heaps, memory_order_acquire) != 0;
}

// The range the pointer checks admit with their first test: cgosan's
// managed range (the arena and the G stacks, InManagedRange) until a foreign
// heap is registered, then every address. The same one compare as
// InManagedRange, so a check with no foreign heap pays nothing for them;
// past it, a value outside the managed range goes to the foreign heaps.
extern uptr checked_range_start, checked_range_size;
ALWAYS_INLINE bool InCheckedRange(uptr addr) {
  return addr - checked_range_start < checked_range_size;
}

// The checked range as a shift, for the vector form below: v is in
// [checked_range_start, + 2^checked_range_log2) when (v - start) >> log2 is
// 0. The managed range's size is a power of two, so that is InCheckedRange
// exactly; once a foreign heap is registered it is 64, every value (one more
// than InCheckedRange, ~0, which the judgement's own InCheckedRange drops).
extern uptr checked_range_log2;

// Bit k set when the word at words + k * 8 is in the checked range, for
// k < 8 (InCheckedRange of eight words at once, with the one superset above):
// two words a 128-bit SSE2 subtract and shift, their sign bits after a
// decrement gathered by one shuffle and movmsk a pair of vectors. SSE2 is
// x86-64's baseline: no dispatch. Unaligned loads (a value on a G stack
// lies where C put it); only the 64 bytes at `words` are read.
ALWAYS_INLINE u32 CheckedRangeBits8(uptr words) {
  const __m128i *w = reinterpret_cast<const __m128i *>(words);
  const __m128i start = _mm_set1_epi64x(static_cast<s64>(checked_range_start));
  const __m128i log2 = _mm_cvtsi64_si128(static_cast<s64>(checked_range_log2));
  const __m128i minus_one = _mm_set1_epi64x(-1);
  // Sign bit of each word's lane: set when (v - start) >> log2 is 0 (the
  // shifted value is below 2^63, so only 0 goes negative).
  auto in_range = [&](int pair) __attribute__((always_inline)) {
    __m128i v = _mm_loadu_si128(w + pair);
    return _mm_castsi128_ps(_mm_add_epi64(
        _mm_srl_epi64(_mm_sub_epi64(v, start), log2), minus_one));
  };
  // The high halves (the sign bits) of words 0-3 and of words 4-7.
  __m128 low = _mm_shuffle_ps(in_range(0), in_range(1), 0xdd);
  __m128 high = _mm_shuffle_ps(in_range(2), in_range(3), 0xdd);
  return static_cast<u32>(_mm_movemask_ps(low) | _mm_movemask_ps(high) << 4);
}
// Sets the checked range to the managed range (after InitializeGStacks).
void InitializeHeapRegistry();

// The live object of a foreign heap that addr points into, as an ObjectInfo
// (heap: its id; pinned: may be held; a heap that knows no type gets
// ConservativeWordType, every word a possible pointer, count = size / 8).
bool FindForeignObject(uptr addr, ObjectInfo *info);
// The same over every heap, cgosan's first (FindReferent there).
bool FindAnyHeapObject(uptr addr, ObjectInfo *info);
// True when foreign heap `heap` scans the word at addr for pointers.
bool HeapScans(u32 heap, uptr addr);
// The name the heap registered with ("cgosan" for heap 0).
const char *HeapName(u32 heap);
// Collections foreign heap `heap` has begun (cgosan_heap_collection_begin).
u64 HeapCollections(u32 heap);
// How an object of foreign heap `heap` that just died went, for a report:
// "freed by collection N" while the heap collects (between its begin and
// end events), else "freed by the program" (bdwgc's GC_FREE).
struct HeapFreeCause {
  char text[48];
};
HeapFreeCause DescribeHeapFree(u32 heap);
// True while foreign heap `heap`'s collector may read an unreachable
// object it keeps for cgosan (its `collecting`; false when it has none).
// From a signal handler.
bool HeapCollectorReads(u32 heap);
// Asks the heap to report the death of the object at base (its `watch`
// function), when it has one.
void WatchHeapObject(u32 heap, uptr base);

// The type of a foreign object whose heap knows none: one pointer word.
extern const cgosan_type kConservativeWordType;

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HEAP_HEAP_REGISTRY_H
